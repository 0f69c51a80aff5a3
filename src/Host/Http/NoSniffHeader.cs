namespace CommunityStream.Host.Http;

/// <summary>
/// <c>X-Content-Type-Options: nosniff</c> on every response of the node (API, WHIP/WHEP, admin, health, problems), so a
/// browser never guesses a script or page out of a JSON or SDP body. Pages and static files set it themselves too.
/// </summary>
internal static class NoSniffHeader
{
    // At response start, so bodies the exception handler writes after clearing the headers carry it as well.
    private static readonly Func<object, Task> SetHeader = static state =>
    {
        ((HttpContext)state).Response.Headers.XContentTypeOptions = "nosniff";
        return Task.CompletedTask;
    };

    public static WebApplication UseNoSniff(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(SetHeader, context);
            return next(context);
        });
        return app;
    }
}
