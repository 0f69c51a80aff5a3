using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using JsonFormat = CommunityStream.Cli.Output.Json;

namespace CommunityStream.Cli;

/// <summary>One command's connection to a node: the resolved URL and token, the client, and the output format.</summary>
internal sealed class CliSession : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private CliSession(Uri url, string? token, bool json, CliEnvironment environment)
    {
        Url = url;
        HasToken = token is not null;
        JsonOutput = json;
        Output = environment.Output;
        var http = new HttpClient { BaseAddress = url, Timeout = RequestTimeout };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        Client = new AdminClient(http);
    }

    public Uri Url { get; }

    public bool HasToken { get; }

    public bool JsonOutput { get; }

    public TextWriter Output { get; }

    public AdminClient Client { get; }

    /// <summary>
    /// <c>--url</c>, then <c>CSCTL_URL</c>, then the URL of the stored login, then the default; <c>--token</c>, then
    /// <c>CSCTL_TOKEN</c>, then the stored token.
    /// </summary>
    public static CliSession Open(ParseResult parse, GlobalOptions options, CliEnvironment environment, bool anonymous = false)
    {
        var stored = new CredentialStore(environment.ConfigDirectory).Read();
        var urlText = parse.GetValue(options.Url) ?? environment.Url ?? stored?.Url ?? CliEnvironment.DefaultUrl;
        if (!Uri.TryCreate(urlText.TrimEnd('/') + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--url '{urlText}' is not an http:// or https:// address");
        }
        // The stored token goes only to the node it was issued for: a mistyped or foreign --url gets no admin token.
        var storedToken = stored is not null && SameUrl(stored.Url, url) ? stored.Token : null;
        var token = anonymous ? null : parse.GetValue(options.Token) ?? environment.Token ?? storedToken;
        return new CliSession(url, token, parse.GetValue(options.Output) == "json", environment);
    }

    private static bool SameUrl(string? stored, Uri url) =>
        stored is not null && Uri.TryCreate(stored.TrimEnd('/') + "/", UriKind.Absolute, out var storedUrl) && storedUrl == url;

    /// <summary>Prints <paramref name="result"/> as indented JSON with <c>--output json</c>, otherwise through <paramref name="table"/>.</summary>
    public void Write(JsonElement result, Action<TextWriter, JsonElement> table)
    {
        if (JsonOutput)
        {
            Output.WriteLine(result.ValueKind == JsonValueKind.Undefined ? "{}" : JsonSerializer.Serialize(result, JsonFormat.Indented));
        }
        else
        {
            table(Output, result);
        }
    }

    public void Dispose() => Client.Dispose();
}
