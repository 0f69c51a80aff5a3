using CommunityStream.Identity.Security;

namespace CommunityStream.Identity.Tests.Unit;

public sealed class PasswordHasherTests
{
    private const int Iterations = 600_000;
    private static readonly PasswordHasher Hasher = new(Iterations);
    private static readonly Lazy<string> StoredHash = new(() => Hasher.Hash("Tr0ub4dor&3-horse"));

    [Fact]
    public void Should_verify_the_password_it_hashed()
    {
        Assert.Equal(PasswordCheck.Succeeded, Hasher.Verify("Tr0ub4dor&3-horse", StoredHash.Value));
    }

    [Fact]
    public void Should_reject_a_wrong_password()
    {
        Assert.Equal(PasswordCheck.Failed, Hasher.Verify("Tr0ub4dor&3-horsE", StoredHash.Value));
    }

    [Fact]
    public void Should_store_a_self_describing_string_with_a_fresh_salt_each_time()
    {
        var parts = StoredHash.Value.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("600000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);

        var again = Hasher.Hash("Tr0ub4dor&3-horse");
        Assert.NotEqual(StoredHash.Value, again);
        Assert.NotEqual(parts[2], again.Split('$')[2]);
    }

    [Fact]
    public void Should_refuse_fewer_iterations_than_the_floor()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHasher(599_999));

        // A stored hash claiming a cheap count is refused rather than checked at that count.
        var parts = StoredHash.Value.Split('$');
        Assert.Equal(PasswordCheck.Failed, Hasher.Verify("Tr0ub4dor&3-horse", $"{parts[0]}$1000${parts[2]}${parts[3]}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pbkdf2-sha256$600000$onlythree")]
    [InlineData("sha1$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$lots$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$600000$not base64!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$999999999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Should_fail_closed_on_malformed_hash_strings(string stored)
    {
        Assert.Equal(PasswordCheck.Failed, Hasher.Verify("Tr0ub4dor&3-horse", stored));
    }

    [Fact]
    public void Should_reject_a_tampered_hash()
    {
        var parts = StoredHash.Value.Split('$');
        var hash = Convert.FromBase64String(parts[3]);
        hash[0] ^= 0x01;
        var tampered = string.Join('$', parts[0], parts[1], parts[2], Convert.ToBase64String(hash));
        Assert.Equal(PasswordCheck.Failed, Hasher.Verify("Tr0ub4dor&3-horse", tampered));
    }

    [Fact]
    public async Task Should_ask_for_a_rehash_when_the_configured_count_grew()
    {
        using var stronger = new PasswordHasher(Iterations + 50_000);
        Assert.Equal(PasswordCheck.SucceededRehashNeeded, await stronger.VerifyAsync("Tr0ub4dor&3-horse", StoredHash.Value, CancellationToken.None));
    }
}
