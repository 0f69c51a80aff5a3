using CommunityStream.WebRtc.Transport;
using Microsoft.Extensions.Options;

namespace CommunityStream.Media.Signalling;

/// <summary>Stops start-up with the precise problem when the <c>Media</c> settings cannot work.</summary>
internal sealed class WebRtcTransportOptionsValidator : IValidateOptions<WebRtcTransportOptions>
{
    public ValidateOptionsResult Validate(string? name, WebRtcTransportOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
