using CommunityStream.Identity.Security;

namespace CommunityStream.Identity.Tests.Unit;

public sealed class CredentialPolicyTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("User_Name_99")]
    [InlineData("a23456789012345678901234_")]
    public void Should_accept_valid_usernames(string username) => Assert.Null(CredentialPolicy.CheckUsername(username));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("a234567890123456789012345_")]
    [InlineData("user name")]
    [InlineData("user-name")]
    [InlineData("user@example")]
    [InlineData("üser")]
    public void Should_reject_invalid_usernames(string? username) => Assert.Equal("username", CredentialPolicy.CheckUsername(username)?.Field);

    [Theory]
    [InlineData("a@b.co")]
    [InlineData("first.last+tag@mail.example.org")]
    public void Should_accept_plausible_emails(string email) => Assert.Null(CredentialPolicy.CheckEmail(email));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("a@b")]
    [InlineData("a@@b.co")]
    [InlineData("a b@c.co")]
    [InlineData("a@b.")]
    public void Should_reject_implausible_emails(string? email) => Assert.Equal("email", CredentialPolicy.CheckEmail(email)?.Field);

    [Theory]
    [InlineData("abcdefghij1")]
    [InlineData("ABCDEFGHIJ!")]
    [InlineData("correct horse")]
    [InlineData("1234567890a")]
    public void Should_accept_passwords_with_two_classes_and_ten_characters(string password) =>
        Assert.Null(CredentialPolicy.CheckPassword(password, "someone"));

    [Theory]
    [InlineData(null)]
    [InlineData("Abc12345!")]
    [InlineData("abcdefghijkl")]
    [InlineData("ABCDEFGHIJKL")]
    [InlineData("123456789012")]
    [InlineData("!!!!!!!!!!!!")]
    [InlineData("my-SOMEONE-1")]
    [InlineData("someone12345")]
    public void Should_reject_weak_passwords(string? password) =>
        Assert.Equal("password", CredentialPolicy.CheckPassword(password, "someone")?.Field);

    [Fact]
    public void Should_bound_password_length()
    {
        Assert.Null(CredentialPolicy.CheckPassword(new string('a', 255) + "1", "someone"));
        Assert.Equal("password", CredentialPolicy.CheckPassword(new string('a', 256) + "1", "someone")?.Field);
    }

    [Fact]
    public void Should_report_the_first_broken_field()
    {
        Assert.Equal("username", CredentialPolicy.Check("x", "bad", "bad")?.Field);
        Assert.Equal("email", CredentialPolicy.Check("good_name", "bad", "bad")?.Field);
        Assert.Equal("password", CredentialPolicy.Check("good_name", "a@b.co", "bad")?.Field);
        Assert.Null(CredentialPolicy.Check("good_name", "a@b.co", "Good-Passw0rd"));
    }
}
