using CommunityStream.Identity.Configuration;

namespace CommunityStream.Identity.Tests.Unit;

public sealed class IdentityOptionsValidatorTests
{
    private readonly IdentityOptionsValidator _validator = new();

    [Fact]
    public void Should_accept_the_defaults() => Assert.True(_validator.Validate(null, new IdentityOptions()).Succeeded);

    [Fact]
    public void Should_reject_too_few_iterations()
    {
        var options = new IdentityOptions { Password = { Pbkdf2Iterations = 599_999 } };
        var result = _validator.Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Pbkdf2Iterations", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("c2hvcnQ=")]
    public void Should_reject_unusable_signing_keys_without_echoing_them(string key)
    {
        var result = _validator.Validate(null, new IdentityOptions { Jwt = { SigningKey = key } });
        Assert.True(result.Failed);
        Assert.DoesNotContain(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_a_32_byte_key() =>
        Assert.True(_validator.Validate(null, new IdentityOptions { Jwt = { SigningKey = Convert.ToBase64String(new byte[32]) } }).Succeeded);

    [Fact]
    public void Should_reject_a_half_configured_admin() =>
        Assert.True(_validator.Validate(null, new IdentityOptions { Admin = { Username = "root" } }).Failed);
}
