namespace CommunityStream.Host.Admin;

/// <summary>
/// Logs every admin action (each non-GET request on the admin API) under <see cref="Category"/>: who, what, the
/// target and the outcome. Never the request body, a token or a key.
/// </summary>
public sealed partial class AdminAudit(ILoggerFactory loggers)
{
    /// <summary>The logger category of the audit trail, for filtering and shipping it apart.</summary>
    public const string Category = "CommunityStream.Admin.Audit";

    private const string TargetItem = "CommunityStream.Admin.AuditTarget";

    private readonly ILogger _log = loggers.CreateLogger(Category);

    /// <summary>
    /// Names the target of the current admin action when it is not in the path (e.g. a member address in the body);
    /// endpoints call it before they answer.
    /// </summary>
    public static void SetTarget(HttpContext context, string target)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[TargetItem] = target;
    }

    /// <summary>The principal name the audit trail records: the admin's username, <c>api-key</c>, or <c>anonymous</c>.</summary>
    public static string Who(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : "anonymous";

    internal void Record(HttpContext context)
    {
        var target = context.Items.TryGetValue(TargetItem, out var value) ? value as string ?? "-" : "-";
        var who = Who(context);
        var path = context.Request.Path.Value ?? "/";
        LogAction(_log, who, context.Request.Method, path, target, context.Response.StatusCode);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Admin {Who} {Method} {Path} target {Target}: {Status}")]
    private static partial void LogAction(ILogger logger, string who, string method, string path, string target, int status);
}
