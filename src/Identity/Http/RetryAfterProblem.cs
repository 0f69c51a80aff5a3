using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Identity.Http;

/// <summary>429 problem with a <c>Retry-After</c> header in whole seconds (RFC 9110 §10.2.3).</summary>
internal sealed class RetryAfterProblem(TimeSpan retryAfter) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many attempts.", $"Try again in {seconds} seconds.").ExecuteAsync(httpContext);
    }
}
