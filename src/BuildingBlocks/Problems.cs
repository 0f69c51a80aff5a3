using Microsoft.AspNetCore.Http;

namespace CommunityStream.BuildingBlocks;

/// <summary>RFC 7807 problem responses with the shape every module uses.</summary>
public static class Problems
{
    /// <summary>400 naming the offending field, so clients can point at it.</summary>
    public static IResult Validation(string field, string message) =>
        Results.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            detail: message,
            title: "The request is invalid.");

    /// <summary>A problem with a status code and a human-readable detail.</summary>
    public static IResult Status(int statusCode, string title, string? detail = null) =>
        Results.Problem(statusCode: statusCode, title: title, detail: detail);
}
