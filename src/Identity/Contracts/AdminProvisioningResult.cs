namespace CommunityStream.Identity.Contracts;

/// <summary>What <see cref="IAccountAdministration.CreateOrPromoteAdminAsync"/> did.</summary>
/// <param name="Outcome">Created, promoted or rejected.</param>
/// <param name="UserId">The administrator's id; <see langword="null"/> when rejected.</param>
/// <param name="Message">A one-line, human-readable account of the outcome (never contains the password).</param>
public sealed record AdminProvisioningResult(AdminProvisioningOutcome Outcome, Guid? UserId, string Message)
{
    /// <summary>True unless the request was rejected.</summary>
    public bool Succeeded => Outcome != AdminProvisioningOutcome.Rejected;
}

/// <summary>The outcome of provisioning an administrator.</summary>
public enum AdminProvisioningOutcome
{
    /// <summary>A new account was created with the admin role.</summary>
    Created,

    /// <summary>The existing account with that username now has the admin role.</summary>
    Promoted,

    /// <summary>Nothing changed: the input broke a policy or the email belongs to another account.</summary>
    Rejected,
}
