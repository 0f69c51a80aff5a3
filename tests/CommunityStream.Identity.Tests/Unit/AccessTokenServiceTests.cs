using System.Security.Cryptography;
using System.Text;
using CommunityStream.Identity.Configuration;
using CommunityStream.Identity.Security;
using CommunityStream.Identity.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CommunityStream.Identity.Tests.Unit;

public sealed class AccessTokenServiceTests
{
    private static readonly Guid UserId = Guid.CreateVersion7();
    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(64));
    private readonly JwtSettings _settings = new();

    private AccessTokenService Service(SymmetricSecurityKey? key = null, JwtSettings? settings = null, TimeProvider? time = null) =>
        new(key ?? _key, settings ?? _settings, time ?? TimeProvider.System);

    [Fact]
    public async Task Should_validate_a_token_it_issued()
    {
        var service = Service();
        var issued = service.Issue(UserId, "Alice", ["viewer", "streamer"]);

        var user = await service.ValidateAsync(issued.Token);

        Assert.NotNull(user);
        Assert.Equal(UserId, user.Id);
        Assert.Equal("Alice", user.Username);
        Assert.Equal(["viewer", "streamer"], user.Roles);
        Assert.Equal(900, issued.ExpiresInSeconds);
        Assert.NotNull(user.ExpiresAt);
        Assert.InRange((user.ExpiresAt.Value - issued.ExpiresAt).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));

        var jwt = new JsonWebToken(issued.Token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(["communitystream"], jwt.Audiences);
        Assert.Equal("communitystream", jwt.Issuer);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.True(jwt.TryGetPayloadValue<long>("iat", out _));
        Assert.True(jwt.TryGetPayloadValue<long>("nbf", out _));
    }

    [Fact]
    public async Task Should_issue_a_token_after_a_revocation_in_the_same_second_with_an_iat_after_the_stamp()
    {
        // iat has whole seconds: a token from the stamp's own second would carry an iat not after it and be refused.
        var second = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var revokedAt = second.AddMilliseconds(100);
        var before = Service(time: new ManualTimeProvider(second.AddMilliseconds(50))).Issue(UserId, "Alice", ["viewer"], revokedAt: null);
        var after = Service(time: new ManualTimeProvider(second.AddMilliseconds(300))).Issue(UserId, "Alice", ["viewer"], revokedAt: revokedAt);
        var later = Service(time: new ManualTimeProvider(second.AddSeconds(2))).Issue(UserId, "Alice", ["viewer"], revokedAt: revokedAt);

        var (_, beforeIat) = await Service().ValidateWithIssueTimeAsync(before.Token);
        var (afterUser, afterIat) = await Service().ValidateWithIssueTimeAsync(after.Token);
        var (_, laterIat) = await Service().ValidateWithIssueTimeAsync(later.Token);

        Assert.True(beforeIat <= revokedAt);
        Assert.NotNull(afterUser);
        Assert.Equal(second.AddSeconds(1), afterIat);
        Assert.True(afterIat > revokedAt);
        Assert.Equal(second.AddSeconds(2), laterIat);
    }

    [Fact]
    public async Task Should_reject_an_expired_token()
    {
        var past = new ManualTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-16).AddSeconds(-31));
        var token = Service(time: past).Issue(UserId, "Alice", ["viewer"]).Token;
        Assert.Null(await Service().ValidateAsync(token));
    }

    [Fact]
    public async Task Should_accept_a_token_within_the_clock_skew()
    {
        var slightlyAhead = new ManualTimeProvider(DateTimeOffset.UtcNow.AddSeconds(20));
        var token = Service(time: slightlyAhead).Issue(UserId, "Alice", ["viewer"]).Token;
        Assert.NotNull(await Service().ValidateAsync(token));
    }

    [Fact]
    public async Task Should_reject_a_token_not_yet_valid()
    {
        var future = new ManualTimeProvider(DateTimeOffset.UtcNow.AddMinutes(2));
        var token = Service(time: future).Issue(UserId, "Alice", ["viewer"]).Token;
        Assert.Null(await Service().ValidateAsync(token));
    }

    [Fact]
    public async Task Should_reject_a_token_signed_with_another_key()
    {
        var token = Service(key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64))).Issue(UserId, "Alice", ["viewer"]).Token;
        Assert.Null(await Service().ValidateAsync(token));
    }

    [Fact]
    public async Task Should_reject_a_wrong_issuer_or_audience()
    {
        var wrongIssuer = Service(settings: new JwtSettings { Issuer = "someone-else" }).Issue(UserId, "Alice", ["viewer"]).Token;
        var wrongAudience = Service(settings: new JwtSettings { Audience = "someone-else" }).Issue(UserId, "Alice", ["viewer"]).Token;
        Assert.Null(await Service().ValidateAsync(wrongIssuer));
        Assert.Null(await Service().ValidateAsync(wrongAudience));
    }

    [Fact]
    public async Task Should_reject_an_unsigned_alg_none_token()
    {
        var valid = new JsonWebToken(Service().Issue(UserId, "Alice", ["admin"]).Token);
        var header = Base64Url("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64Url(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(valid.EncodedPayload)));

        Assert.Null(await Service().ValidateAsync($"{header}.{payload}."));
        Assert.Null(await Service().ValidateAsync($"{header}.{payload}.{valid.EncodedSignature}"));
    }

    [Fact]
    public async Task Should_reject_another_hmac_algorithm_with_the_right_key()
    {
        var handler = new JsonWebTokenHandler();
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _settings.Issuer,
            Audience = _settings.Audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = UserId.ToString(), ["name"] = "Alice" },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha512),
        });
        Assert.Null(await Service().ValidateAsync(token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not.a.jwt")]
    [InlineData("garbage")]
    public async Task Should_reject_garbage(string token) => Assert.Null(await Service().ValidateAsync(token));

    private static string Base64Url(string json) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(json));
}
