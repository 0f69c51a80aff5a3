namespace CommunityStream.Identity.Contracts;

/// <summary>Operator tasks, e.g. the Host's <c>--create-admin</c> command.</summary>
public interface IAccountAdministration
{
    /// <summary>
    /// Creates an administrator, or grants the admin role to (and re-enables) the existing account with
    /// this username; an existing account keeps its password. Creates the schema first when needed, so it
    /// works without the hosted services running.
    /// </summary>
    Task<AdminProvisioningResult> CreateOrPromoteAdminAsync(string username, string email, string password, CancellationToken cancellationToken);
}
