namespace CommunityStream.Host.Admin;

/// <summary>
/// Keeps the two listeners apart after routing: admin endpoints are a 404 on the public listener, and the admin
/// listener serves nothing but admin endpoints and the health probes. Admin writes are audited here, once, with
/// the principal the admin policy authenticated.
/// </summary>
internal sealed class AdminListenerGate(RequestDelegate next, AdminAudit audit)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var adminEndpoint = context.GetEndpoint()?.Metadata.GetMetadata<AdminListenerMetadata>() is not null;
        if (!AdminListener.Accepted(context))
        {
            if (adminEndpoint)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
            return;
        }
        if (!adminEndpoint && !context.Request.Path.StartsWithSegments("/healthz"))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await next(context);
        if (adminEndpoint && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            audit.Record(context);
        }
    }
}
