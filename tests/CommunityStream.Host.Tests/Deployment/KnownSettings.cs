using System.Collections;
using System.Reflection;
using CommunityStream.Chat;
using CommunityStream.Host.Configuration;
using CommunityStream.Identity;
using CommunityStream.Media.Signalling;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Host.Tests.Deployment;

/// <summary>
/// The configuration keys the Host reads, so a manifest's <c>CS_</c> variable with a typo fails here instead of being
/// ignored by a running node: the option classes' properties (by reflection, list indexes dropped) and the keys
/// <see cref="HostSettingsReader"/> and the admin listener read by hand.
/// </summary>
internal static class KnownSettings
{
    private static readonly HashSet<string> Keys = Build();

    /// <summary>The configuration key of a <c>CS_</c> variable with list indexes dropped (<c>CS_Cluster__SeedNodes__0</c> is <c>Cluster:SeedNodes</c>).</summary>
    public static string KeyOf(string environmentVariable) =>
        string.Join(':', environmentVariable[HostBuilderExtensions.EnvironmentPrefix.Length..]
            .Split("__").Where(segment => !segment.All(char.IsAsciiDigit)));

    public static bool IsKnown(string key) => Keys.Contains(key);

    private static HashSet<string> Build()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            // HostSettingsReader.
            "Http:Url", "Http:KnownProxies", "Http:KnownNetworks", "DataDirectory",
            "Persistence:Provider", "Persistence:ConnectionString", "Persistence:SqliteSynchronous",
            // The admin listener's settings (its own reader).
            "Admin:Url", "Admin:AllowRemote", "Admin:ApiKey",
        };
        AddProperties(keys, "Cluster", typeof(ClusterSettings));
        AddProperties(keys, ChatOptions.SectionName, typeof(ChatOptions));
        AddProperties(keys, WebRtcTransportOptions.Section, typeof(WebRtcTransportOptions));
        AddProperties(keys, StreamingOptions.Section, typeof(StreamingOptions));
        var identity = typeof(IdentityModule).Assembly.GetType("CommunityStream.Identity.Configuration.IdentityOptions", throwOnError: true)!;
        AddProperties(keys, "Identity", identity);
        return keys;
    }

    private static void AddProperties(HashSet<string> keys, string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            keys.Add(key);
            var element = ElementOf(property.PropertyType);
            if (IsSettingsClass(element))
            {
                AddProperties(keys, key, element);
            }
        }
    }

    private static Type ElementOf(Type type) =>
        type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType ? type.GetGenericArguments()[0] : type;

    private static bool IsSettingsClass(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("CommunityStream", StringComparison.Ordinal) == true;
}
