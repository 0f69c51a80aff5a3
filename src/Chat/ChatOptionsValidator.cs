using Microsoft.Extensions.Options;

namespace CommunityStream.Chat;

/// <summary>Fails start-up on socket limits that would refuse every client or hold hostile ones forever.</summary>
internal sealed class ChatOptionsValidator : IValidateOptions<ChatOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatOptions options)
    {
        var failures = new List<string>();
        RequireRange(failures, nameof(options.MaxFrameBytes), options.MaxFrameBytes, 16, 16 * 1024 * 1024);
        RequireRange(failures, nameof(options.MessageTimeoutSeconds), options.MessageTimeoutSeconds, 1, 300);
        RequireRange(failures, nameof(options.MaxConnectionsPerIp), options.MaxConnectionsPerIp, 1, 10_000_000);
        RequireRange(failures, nameof(options.MaxConnectionsPerProxy), options.MaxConnectionsPerProxy, 1, 10_000_000);
        RequireRange(failures, nameof(options.RequestHeadTimeoutSeconds), options.RequestHeadTimeoutSeconds, 1, 300);
        RequireRange(failures, nameof(options.KeepAliveSeconds), options.KeepAliveSeconds, 1, 3600);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireRange(List<string> failures, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"Chat:{name} must be between {min} and {max} (was {value}).");
        }
    }
}
