using System.Text.RegularExpressions;
using CommunityStream.BuildingBlocks;

namespace CommunityStream.Host.Admin;

/// <summary><c>/admin/v1/log/levels</c>: read and change log levels while the node runs.</summary>
internal static partial class LogAdminEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        var levels = admin.MapGroup("/log/levels");
        levels.MapGet("", (LogLevelOverrides overrides) => Results.Ok(new { overrides = overrides.Current }));
        levels.MapPut("/{category}", SetAsync);
        levels.MapDelete("/{category}", (string category, HttpContext context, LogLevelOverrides overrides) =>
        {
            AdminAudit.SetTarget(context, category);
            overrides.Set(category, null);
            return Results.NoContent();
        });
    }

    private static async Task<IResult> SetAsync(string category, HttpContext context, LogLevelOverrides overrides, CancellationToken cancellationToken)
    {
        if (!CategoryPattern().IsMatch(category))
        {
            return Problems.Validation("category", "A category is 'Default' or a dotted name such as CommunityStream.Chat.");
        }
        var (request, tooLarge) = await AdminRequestBody.ReadAsync<SetLevelRequest>(context.Request, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        if (request?.Level is not { } text || !Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) || !Enum.IsDefined(level) || int.TryParse(text, out _))
        {
            return Problems.Validation("level", "The body must be {\"level\": L} with L one of Trace, Debug, Information, Warning, Error, Critical, None.");
        }
        AdminAudit.SetTarget(context, $"{category}={level}");
        overrides.Set(category, level);
        return Results.Ok(new { category, level = level.ToString() });
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,200}$")]
    private static partial Regex CategoryPattern();

    private sealed record SetLevelRequest(string? Level);
}
