using Microsoft.Extensions.Options;

namespace CommunityStream.Media.Signalling;

/// <summary>Fails start-up with the first bad <c>Media</c> signalling setting.</summary>
internal sealed class StreamingOptionsValidator : IValidateOptions<StreamingOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamingOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
