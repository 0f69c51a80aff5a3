using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunityStream.Identity.Http;

/// <summary><c>/api/auth/*</c>: register, login, refresh, logout. All anonymous.</summary>
internal static class AuthEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth").AllowAnonymous();

        auth.MapPost("/register", RegisterAsync)
            .WithName("Register")
            .WithSummary("Create an account with the viewer role.")
            .Accepts<RegisterRequest>("application/json")
            .Produces<UserResponse>(StatusCodes.Status201Created)
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The account: /api/users/{id}.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesJsonBodyProblems()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithResponseHeader(StatusCodes.Status429TooManyRequests, "Retry-After", "Seconds until the next attempt is allowed.");

        auth.MapPost("/login", LoginAsync)
            .WithName("Login")
            .WithSummary("Exchange a username or email and password for an access and a refresh token.")
            .Accepts<LoginRequest>("application/json")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesJsonBodyProblems()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithResponseHeader(StatusCodes.Status429TooManyRequests, "Retry-After", "Seconds until the next attempt is allowed.");

        auth.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshToken")
            .WithSummary("Rotate a refresh token: returns a new pair; the presented token becomes unusable.")
            .Accepts<RefreshRequest>("application/json")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesJsonBodyProblems();

        auth.MapPost("/logout", LogoutAsync)
            .WithName("Logout")
            .WithSummary("Revoke the refresh token and every token rotated from the same login.")
            .Accepts<RefreshRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesJsonBodyProblems();
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, AccountService accounts, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        if (throttle.TryAcquireRegistration(ClientAddress.Of(context)) is { } wait)
        {
            return new RetryAfterProblem(wait);
        }
        var (request, error) = await JsonBody.ReadAsync<RegisterRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return error!;
        }
        var result = await accounts.RegisterAsync(request.Username, request.Email, request.Password, AccountService.DefaultRoles, cancellationToken);
        if (result.Violation is { } violation)
        {
            return Problems.Validation(violation.Field, violation.Message);
        }
        if (result.DuplicateField is { } field)
        {
            return Problems.Status(StatusCodes.Status409Conflict, $"The {field} is already taken.", $"Another account already uses this {field}.");
        }
        var user = result.User!;
        return Results.Created($"/api/users/{user.Id}", UserResponse.From(user));
    }

    private static async Task<IResult> LoginAsync(HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync<LoginRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return error!;
        }
        var result = await accounts.LoginAsync(request.Login, request.Password, ClientAddress.Of(context), cancellationToken);
        return result.Status switch
        {
            LoginStatus.Succeeded => Results.Ok(ToResponse(result.Tokens!)),
            LoginStatus.Throttled => new RetryAfterProblem(result.RetryAfter ?? TimeSpan.FromSeconds(1)),
            LoginStatus.Disabled => Problems.Status(StatusCodes.Status403Forbidden, "The account is disabled."),
            _ => Problems.Status(StatusCodes.Status401Unauthorized, "Invalid username, email or password."),
        };
    }

    private static async Task<IResult> RefreshAsync(HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync<RefreshRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return error!;
        }
        var result = await accounts.RefreshAsync(request.RefreshToken, cancellationToken);
        return result.Status switch
        {
            RefreshStatus.Succeeded => Results.Ok(ToResponse(result.Tokens!)),
            RefreshStatus.Disabled => Problems.Status(StatusCodes.Status403Forbidden, "The account is disabled."),
            _ => Problems.Status(StatusCodes.Status401Unauthorized, "The refresh token is invalid, expired or revoked."),
        };
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync<RefreshRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return error!;
        }
        await accounts.LogoutAsync(request.RefreshToken, cancellationToken);
        return Results.NoContent();
    }

    private static TokenResponse ToResponse(TokenPair tokens) => new(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresInSeconds);
}
