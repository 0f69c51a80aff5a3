using System.Reflection;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests;

/// <summary>
/// The modular-monolith rule: modules reach each other only through public contracts, never the Host,
/// and Chat and Media never depend on each other (kgrzybek/modular-monolith-with-ddd ArchTests).
/// </summary>
public sealed class ModuleBoundaryTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["CommunityStream.BuildingBlocks"] = [],
        ["CommunityStream.Identity"] = ["CommunityStream.BuildingBlocks"],
        ["CommunityStream.Chat"] = ["CommunityStream.BuildingBlocks", "CommunityStream.Identity"],
        ["CommunityStream.Media"] = ["CommunityStream.BuildingBlocks", "CommunityStream.Identity", "CommunityStream.WebRtc"],
        // The browser app is a client of the other modules' HTTP and WebSocket APIs, not of their assemblies.
        ["CommunityStream.Web"] = ["CommunityStream.BuildingBlocks"],
    };

    [Theory]
    [InlineData("CommunityStream.BuildingBlocks")]
    [InlineData("CommunityStream.Identity")]
    [InlineData("CommunityStream.Chat")]
    [InlineData("CommunityStream.Media")]
    [InlineData("CommunityStream.Web")]
    public void Should_reference_only_the_allowed_project_assemblies(string module)
    {
        var assembly = Assembly.Load(module);

        var projectReferences = assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => name.StartsWith("CommunityStream.", StringComparison.Ordinal))
            .Order()
            .ToArray();

        Assert.All(projectReferences, reference => Assert.Contains(reference, Allowed[module]));
    }

    [Theory]
    [InlineData("CommunityStream.Identity", "IdentityModule")]
    [InlineData("CommunityStream.Chat", "ChatModule")]
    [InlineData("CommunityStream.Media", "MediaModule")]
    public void Should_expose_one_module_entry_point(string module, string entryPoint)
    {
        var assembly = Assembly.Load(module);

        var type = assembly.GetType($"{module}.{entryPoint}");

        Assert.NotNull(type);
        Assert.True(type.IsAbstract && type.IsSealed, $"{entryPoint} is a static class");
        Assert.Contains(type.GetMethods(), m => m.Name.StartsWith("Add", StringComparison.Ordinal) && m.Name.EndsWith("Module", StringComparison.Ordinal));
        Assert.Contains(type.GetMethods(), m => m.Name.StartsWith("Map", StringComparison.Ordinal) && m.Name.EndsWith("Endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_expose_the_web_app_through_AddWebModule_and_MapWebApp()
    {
        var type = Assembly.Load("CommunityStream.Web").GetType("CommunityStream.Web.WebModule");

        Assert.NotNull(type);
        Assert.True(type.IsAbstract && type.IsSealed, "WebModule is a static class");
        Assert.Equal(["AddWebModule", "MapWebApp"], type.GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name).Order());
    }

    /// <summary>
    /// CommunityStream.WebRtc is a library usable outside CommunityStream: it references none of our assemblies, and no
    /// hosting, configuration, logging or ASP.NET Core package either.
    /// </summary>
    [Fact]
    public void Should_keep_the_WebRtc_library_free_of_our_assemblies_and_of_hosting()
    {
        var assembly = Assembly.Load("CommunityStream.WebRtc");

        var references = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.DoesNotContain(references, name => name.StartsWith("CommunityStream.", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal));
    }

    /// <summary>
    /// Inside Chat: the gateway (connections, protocol) and the fan-out (room subscriptions) meet only in Delivery
    /// (frames, the per-connection outbox, direct sends, send passes), and Delivery uses neither. Read from the
    /// compiled assembly, method bodies included (<see cref="NamespaceReferences"/>).
    /// </summary>
    [Theory]
    [InlineData("CommunityStream.Chat.Gateway", "CommunityStream.Chat.Fanout")]
    [InlineData("CommunityStream.Chat.Fanout", "CommunityStream.Chat.Gateway")]
    [InlineData("CommunityStream.Chat.Delivery", "CommunityStream.Chat.Gateway")]
    [InlineData("CommunityStream.Chat.Delivery", "CommunityStream.Chat.Fanout")]
    public void Should_keep_chat_gateway_and_fanout_apart(string from, string to)
    {
        var (typesInFrom, references) = NamespaceReferences.Find(Assembly.Load("CommunityStream.Chat"), from, to);

        Assert.True(typesInFrom > 0, $"no types in {from}: the rule would hold for nothing");
        Assert.True(references.Count == 0, $"{from} uses {to}:\n{string.Join("\n", references)}");
    }
}
