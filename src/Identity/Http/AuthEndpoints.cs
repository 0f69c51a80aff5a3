using System.Text.Json;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Accounts;
using CommunityStream.Identity.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

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

        // Token responses: never cached (RFC 6749 §5.1).
        auth.MapPost("/login", LoginAsync)
            .WithNoStore()
            .WithName("Login")
            .WithSummary("Exchange a username or email and password for an access and a refresh token.")
            .WithDescription("With \"session\": \"cookie\" (browsers) the refresh token is set as the HttpOnly cs_refresh cookie (Path=/api/auth) with a cs_csrf cookie, and the body carries the access token and the user instead.")
            .Accepts<LoginRequest>("application/json")
            .Produces<TokenResponse>()
            .Produces<CookieTokenResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesJsonBodyProblems()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithResponseHeader(StatusCodes.Status429TooManyRequests, "Retry-After", "Seconds until the next attempt is allowed.");

        auth.MapPost("/refresh", RefreshAsync)
            .WithNoStore()
            .WithName("RefreshToken")
            .WithSummary("Rotate a refresh token: returns a new pair; the presented token becomes unusable.")
            .WithDescription("Cookie form (browsers): no body or {}, the cs_refresh cookie and an X-CSRF-Token header equal to the cs_csrf cookie; an Origin header, when sent, must name this site (else 403). Answers like a cookie login and rotates both cookies.")
            .Accepts<RefreshRequest>("application/json")
            .Produces<TokenResponse>()
            .Produces<CookieTokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesJsonBodyProblems();

        auth.MapPost("/logout", LogoutAsync)
            .WithName("Logout")
            .WithSummary("Revoke the refresh token and every token rotated from the same login.")
            .WithDescription("Cookie form (browsers): no body or {}, the cs_refresh cookie and the X-CSRF-Token header; expires both cookies.")
            .Accepts<RefreshRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
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

    private static async Task<IResult> LoginAsync(HttpContext context, AccountService accounts, IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync<LoginRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return error!;
        }
        var cookie = request.Session switch
        {
            null or "json" => false,
            BrowserSession.CookieMode => true,
            _ => (bool?)null,
        };
        if (cookie is null)
        {
            return Problems.Validation("session", "session is \"json\" (tokens in the body, the default) or \"cookie\" (refresh token in an HttpOnly cookie).");
        }
        var result = await accounts.LoginAsync(request.Login, request.Password, ClientAddress.Of(context), cancellationToken);
        return result.Status switch
        {
            LoginStatus.Succeeded => cookie.Value ? CookieAnswer(context, result.Tokens!, options.Value) : Results.Ok(ToResponse(result.Tokens!)),
            LoginStatus.Throttled => new RetryAfterProblem(result.RetryAfter ?? TimeSpan.FromSeconds(1)),
            LoginStatus.Disabled => Problems.Status(StatusCodes.Status403Forbidden, "The account is disabled."),
            _ => Problems.Status(StatusCodes.Status401Unauthorized, "Invalid username, email or password."),
        };
    }

    private static async Task<IResult> RefreshAsync(HttpContext context, AccountService accounts, IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var (bodyToken, cookieForm, error) = await ReadRefreshTokenAsync(context.Request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var token = bodyToken;
        if (cookieForm)
        {
            token = BrowserSession.RefreshTokenOf(context.Request);
            if (token is null)
            {
                return Problems.Status(StatusCodes.Status401Unauthorized, "No session.", $"Send the refresh token in the body, or the {BrowserSession.RefreshCookie} cookie.");
            }
            if (BrowserSession.Refuse(context.Request) is { } refused)
            {
                return refused;
            }
        }
        var result = await accounts.RefreshAsync(token, cancellationToken);
        if (result.Status != RefreshStatus.Succeeded && cookieForm)
        {
            BrowserSession.Expire(context.Response);
        }
        return result.Status switch
        {
            RefreshStatus.Succeeded => cookieForm ? CookieAnswer(context, result.Tokens!, options.Value) : Results.Ok(ToResponse(result.Tokens!)),
            RefreshStatus.Disabled => Problems.Status(StatusCodes.Status403Forbidden, "The account is disabled."),
            _ => Problems.Status(StatusCodes.Status401Unauthorized, "The refresh token is invalid, expired or revoked."),
        };
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var (bodyToken, cookieForm, error) = await ReadRefreshTokenAsync(context.Request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (!cookieForm)
        {
            await accounts.LogoutAsync(bodyToken, cancellationToken);
            return Results.NoContent();
        }
        if (BrowserSession.RefreshTokenOf(context.Request) is { } cookieToken)
        {
            if (BrowserSession.Refuse(context.Request) is { } refused)
            {
                return refused;
            }
            await accounts.LogoutAsync(cookieToken, cancellationToken);
        }
        BrowserSession.Expire(context.Response);
        return Results.NoContent();
    }

    /// <summary>
    /// The JSON form (<c>{"refreshToken": ...}</c>, API clients) or the cookie form (no body, or a JSON object without
    /// <c>refreshToken</c>: browsers); 415, 413 or 400 for a body that is neither.
    /// </summary>
    private static async Task<(string? Token, bool CookieForm, IResult? Error)> ReadRefreshTokenAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadOptionalObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return (null, false, error);
        }
        if (body is not { } json || !json.TryGetProperty("refreshToken", out var token))
        {
            return (null, true, null);
        }
        return token.ValueKind switch
        {
            JsonValueKind.String => (token.GetString(), false, null),
            JsonValueKind.Null => (null, false, null),
            _ => (null, false, Problems.Status(StatusCodes.Status400BadRequest, "The request is invalid.", "refreshToken must be a string.")),
        };
    }

    private static IResult CookieAnswer(HttpContext context, TokenPair tokens, IdentityOptions options)
    {
        BrowserSession.Write(context.Response, tokens.RefreshToken, TimeSpan.FromDays(options.RefreshTokenDays));
        return Results.Ok(new CookieTokenResponse(tokens.AccessToken, tokens.ExpiresInSeconds, new SessionUser(tokens.UserId, tokens.Username, tokens.Roles)));
    }

    private static TokenResponse ToResponse(TokenPair tokens) => new(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresInSeconds);
}
