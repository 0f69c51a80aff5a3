using System.Net;
using CommunityStream.Host.Configuration;

namespace CommunityStream.Host.Admin;

/// <summary>Reads <c>Admin:*</c> and refuses what would expose the admin API by accident.</summary>
internal static class AdminSettingsReader
{
    public static AdminSettings Read(IConfiguration configuration, IReadOnlyList<string> httpUrls)
    {
        var section = configuration.GetSection("Admin");
        var url = string.IsNullOrWhiteSpace(section["Url"]) ? AdminSettings.DefaultUrl : section["Url"]!.Trim();
        var allowRemote = ReadBool(section["AllowRemote"], "Admin:AllowRemote");

        BindingAddress binding;
        try
        {
            binding = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            throw Invalid("Admin:Url", $"'{url}' is not an http:// address");
        }
        if (binding.Scheme != "http" || binding.Port is < 0 or > 65535 || (binding.PathBase.Length > 0 && binding.PathBase != "/"))
        {
            throw Invalid("Admin:Url", $"'{url}' must be http://ADDRESS:PORT (TLS belongs to a proxy in front of it)");
        }
        var address = AddressOf(binding.Host)
            ?? throw Invalid("Admin:Url", $"'{url}' must name an IP address or localhost, not a host name");
        if (!IPAddress.IsLoopback(address) && !allowRemote)
        {
            throw Invalid("Admin:Url", $"'{url}' is not a loopback address; set Admin:AllowRemote=true to expose the admin API beyond this machine");
        }
        if (binding.Port != 0 && httpUrls.Any(http => PortOf(http) == binding.Port))
        {
            throw Invalid("Admin:Url", $"uses port {binding.Port}, which Http:Url already uses; the admin API needs its own port");
        }

        var apiKey = string.IsNullOrEmpty(section["ApiKey"]) ? null : section["ApiKey"];
        if (apiKey is not null && apiKey.Length < AdminSettings.MinimumApiKeyLength)
        {
            // The key itself is never repeated.
            throw Invalid("Admin:ApiKey", $"is shorter than {AdminSettings.MinimumApiKeyLength} characters");
        }
        return new AdminSettings(url, address, binding.Port, allowRemote, apiKey);
    }

    private static IPAddress? AddressOf(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "*" or "+" => IPAddress.Any,
        _ when IPAddress.TryParse(host.Trim('[', ']'), out var literal) => literal,
        _ => null,
    };

    private static int? PortOf(string url)
    {
        try
        {
            return BindingAddress.Parse(url).Port;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool ReadBool(string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }
        return bool.TryParse(value, out var parsed) ? parsed : throw Invalid(key, $"'{value}' is not true or false");
    }

    private static StartupConfigurationException Invalid(string key, string problem) => HostSettingsReader.Invalid(key, problem);
}
