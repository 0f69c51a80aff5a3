using System.Security.Cryptography;
using System.Text;
using CommunityStream.Media.Hls;

namespace CommunityStream.Media.Tests.Hls;

public sealed class HlsTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 5, 1, 0, TimeSpan.Zero);
    private readonly HlsToken _token = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Should_accept_its_own_token_for_the_channel_until_it_expires()
    {
        var token = _token.Issue("alice", Now, TimeSpan.FromMinutes(60));
        Assert.True(_token.Verify("alice", token, Now));
        Assert.True(_token.Verify("alice", token, Now.AddMinutes(60)));
        // Expiry on the 5-minute grid: 06:01 rounds up to 06:05, the same token for everyone issued until then.
        Assert.Equal(token, _token.Issue("alice", Now.AddMinutes(3), TimeSpan.FromMinutes(60)));
        Assert.False(_token.Verify("alice", token, Now.AddMinutes(65).AddSeconds(1)));
    }

    [Fact]
    public void Should_refuse_another_channel_another_secret_and_edited_tokens()
    {
        var token = _token.Issue("alice", Now, TimeSpan.FromMinutes(60));
        Assert.False(_token.Verify("alicf", token, Now));
        Assert.False(new HlsToken(RandomNumberGenerator.GetBytes(32)).Verify("alice", token, Now));
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var later = (long.Parse(token[..dot], System.Globalization.CultureInfo.InvariantCulture) + 300).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(_token.Verify("alice", later + token[dot..], Now));
        for (var i = dot + 1; i < token.Length; i++)
        {
            var edited = new StringBuilder(token) { [i] = token[i] == 'A' ? 'B' : 'A' }.ToString();
            Assert.False(_token.Verify("alice", edited, Now));
        }
    }

    [Fact]
    public void Should_refuse_random_and_truncated_input_without_throwing()
    {
        var token = _token.Issue("alice", Now, TimeSpan.FromMinutes(60));
        for (var length = 0; length < token.Length; length++)
        {
            Assert.False(_token.Verify("alice", token[..length], Now));
        }
        var random = new Random(18);
        const string alphabet = "0123456789.-_+/=abcXYZ%\u00e9";
        for (var i = 0; i < 5000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 80)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            Assert.False(_token.Verify("alice", text, Now));
        }
    }
}
