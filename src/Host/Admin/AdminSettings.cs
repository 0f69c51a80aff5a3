using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace CommunityStream.Host.Admin;

/// <summary>The admin listener: where <c>/admin/v1</c> (and <c>/metrics</c>) answer, and who may use them.</summary>
/// <param name="Url">The configured <c>Admin:Url</c>, as given.</param>
/// <param name="Address">The address Kestrel binds (loopback unless <c>Admin:AllowRemote</c>).</param>
/// <param name="Port">The TCP port; 0 takes a free one (tests).</param>
/// <param name="AllowRemote">True when a non-loopback bind was explicitly allowed.</param>
/// <param name="ApiKey">A shared secret for automation, accepted as a bearer token; null when not configured.</param>
public sealed record AdminSettings(string Url, IPAddress Address, int Port, bool AllowRemote, string? ApiKey)
{
    /// <summary>Default <c>Admin:Url</c>: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:9110";

    /// <summary>Shortest accepted <c>Admin:ApiKey</c>: a key anyone can guess is no key.</summary>
    public const int MinimumApiKeyLength = 16;

    /// <summary>The endpoint to bind.</summary>
    public IPEndPoint EndPoint => new(Address, Port);

    /// <summary>SHA-256 of <see cref="ApiKey"/>, computed once: requests compare against it in constant time.</summary>
    public byte[]? ApiKeyHash { get; } = ApiKey is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey));

    /// <summary>The settings without the key (a record would print it).</summary>
    public override string ToString() =>
        $"AdminSettings {{ Url = {Url}, Address = {Address}, Port = {Port}, AllowRemote = {AllowRemote}, ApiKey = {(ApiKey is null ? "unset" : "***")} }}";
}
