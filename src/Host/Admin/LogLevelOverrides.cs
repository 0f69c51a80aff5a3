namespace CommunityStream.Host.Admin;

/// <summary>
/// Log levels changed at run time (<c>PUT /admin/v1/log/levels/{category}</c>): an in-memory configuration provider
/// added last, so its <c>Logging:LogLevel:*</c> keys win over files, environment and command line, and a reload lets
/// the logger filter pick them up at once. Overrides last until the process ends.
/// </summary>
public sealed class LogLevelOverrides : ConfigurationProvider, IConfigurationSource
{
    private const string Prefix = "Logging:LogLevel:";

    /// <summary>The current overrides, category to level.</summary>
    public IReadOnlyDictionary<string, string> Current
    {
        get
        {
            lock (Data)
            {
                return Data.Where(entry => entry.Value is not null)
                    .ToDictionary(entry => entry.Key[Prefix.Length..], entry => entry.Value!, StringComparer.OrdinalIgnoreCase);
            }
        }
    }

    /// <summary>Sets <paramref name="category"/>'s minimum level (<c>Default</c> for all), or removes the override when null.</summary>
    public void Set(string category, LogLevel? level)
    {
        lock (Data)
        {
            if (level is { } value)
            {
                Data[Prefix + category] = value.ToString();
            }
            else
            {
                Data.Remove(Prefix + category);
            }
        }
        OnReload();
    }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;
}

/// <summary>Registration of <see cref="LogLevelOverrides"/>.</summary>
internal static class LogLevelOverridesSetup
{
    public static void AddLogLevelOverrides(this WebApplicationBuilder builder)
    {
        var overrides = new LogLevelOverrides();
        ((IConfigurationBuilder)builder.Configuration).Add(overrides);
        builder.Services.AddSingleton(overrides);
    }
}
