using System.Globalization;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Contracts;

namespace CommunityStream.Host.Admin;

/// <summary><c>POST /admin/v1/login</c>: an administrator's username (or email) and password for an access token.</summary>
internal static class AdminLoginEndpoint
{
    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapPost("/login", LoginAsync).AllowAnonymous().WithNoStore();

    private static async Task<IResult> LoginAsync(HttpContext context, IAdminLogin login, CancellationToken cancellationToken)
    {
        var (request, tooLarge) = await AdminRequestBody.ReadAsync<AdminLoginRequest>(context.Request, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        if (request is null)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "The body must be JSON: {\"username\": \"...\", \"password\": \"...\"}.");
        }
        if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "Both username and password are required.");
        }
        AdminAudit.SetTarget(context, request.Username);
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var result = await login.LoginAsync(request.Username, request.Password, address, cancellationToken);
        switch (result.Status)
        {
            case AdminLoginStatus.Succeeded:
                return Results.Ok(new AdminLoginResponse(result.AccessToken!, result.ExpiresInSeconds, result.Username!));
            case AdminLoginStatus.Throttled:
                var seconds = (int)Math.Ceiling((result.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many login attempts.", $"Retry in {seconds} s.");
            case AdminLoginStatus.NotAdmin:
                return Problems.Status(StatusCodes.Status403Forbidden, "The account is not an administrator.");
            case AdminLoginStatus.Disabled:
                return Problems.Status(StatusCodes.Status403Forbidden, "The account is disabled.");
            default:
                return Problems.Status(StatusCodes.Status401Unauthorized, "Invalid username, email or password.");
        }
    }

    private sealed record AdminLoginRequest(string? Username, string? Password);

    private sealed record AdminLoginResponse(string AccessToken, int ExpiresInSeconds, string Username);
}
