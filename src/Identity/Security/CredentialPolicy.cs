using System.Text.RegularExpressions;

namespace CommunityStream.Identity.Security;

/// <summary>A rule broken by registration input: the JSON field it concerns and why.</summary>
internal sealed record PolicyViolation(string Field, string Message);

/// <summary>Rules for usernames, emails and passwords. Pure functions, so they are tested without a server.</summary>
internal static partial class CredentialPolicy
{
    public const int MinimumPasswordLength = 10;
    public const int MaximumPasswordLength = 256;
    public const int MaximumEmailLength = 254;

    public static PolicyViolation? Check(string? username, string? email, string? password) =>
        CheckUsername(username) ?? CheckEmail(email) ?? CheckPassword(password, username);

    public static PolicyViolation? CheckUsername(string? username) =>
        username is not null && UsernamePattern().IsMatch(username)
            ? null
            : new PolicyViolation("username", "Username must be 3 to 25 characters: letters, digits or underscore.");

    public static PolicyViolation? CheckEmail(string? email) =>
        email is not null && email.Length <= MaximumEmailLength && EmailPattern().IsMatch(email)
            ? null
            : new PolicyViolation("email", "Email must be a valid address.");

    public static PolicyViolation? CheckPassword(string? password, string? username)
    {
        if (password is null || password.Length < MinimumPasswordLength || password.Length > MaximumPasswordLength)
        {
            return new PolicyViolation("password", $"Password must be {MinimumPasswordLength} to {MaximumPasswordLength} characters long.");
        }
        if (CharacterClasses(password) < 2)
        {
            return new PolicyViolation("password", "Password must mix at least two of: lower-case letters, upper-case letters, digits, symbols.");
        }
        if (!string.IsNullOrEmpty(username) && password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            return new PolicyViolation("password", "Password must not contain the username.");
        }
        return null;
    }

    private static int CharacterClasses(string password)
    {
        bool lower = false, upper = false, digit = false, symbol = false;
        foreach (var c in password)
        {
            if (char.IsLower(c))
            {
                lower = true;
            }
            else if (char.IsUpper(c))
            {
                upper = true;
            }
            else if (char.IsDigit(c))
            {
                digit = true;
            }
            else
            {
                symbol = true;
            }
        }
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0);
    }

    [GeneratedRegex("^[A-Za-z0-9_]{3,25}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();

    // Deliberately loose ("looks like an address"): one @, a dot in the domain, no spaces.
    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
