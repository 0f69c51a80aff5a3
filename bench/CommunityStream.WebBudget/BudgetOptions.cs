using System.Globalization;

namespace CommunityStream.WebBudget;

/// <summary>Command line of the budget bench.</summary>
internal sealed record BudgetOptions
{
    public const string Usage = """
        CommunityStream.WebBudget: the watch page's budget figures in headless Chromium.

          --url URL              measure a running site instead of starting a Host (then give --admin, or --channel and --stream-key)
          --admin LOGIN:PASSWORD an administrator of --url, to create the bench's streamer
          --channel NAME         the streamer's channel (default: webbudget)
          --stream-key KEY       that channel's stream key (with --url, instead of --admin)
          --loads N              first-frame loads (default: 10)
          --part size|first-frame|chat|all   what to measure (default: all)
          --host-dll PATH        the Host to start (default: src/Host/bin/Release/net10.0/CommunityStream.Host.dll)
          --chromium PATH        Chromium (default: /usr/bin/chromium)
          --keep                 keep the started Host's data directory and log
        """;

    public Uri? Url { get; init; }

    public string? Admin { get; init; }

    public string Channel { get; init; } = "webbudget";

    public string? StreamKey { get; init; }

    public int Loads { get; init; } = 10;

    public bool MeasureSize { get; init; } = true;

    public bool MeasureFirstFrame { get; init; } = true;

    /// <summary>(c) the watch page under a 50 messages/s chat flood (only on a Host this bench starts: it raises the per-user rate limit).</summary>
    public bool MeasureChat { get; init; } = true;

    public string? HostDll { get; init; }

    public string Chromium { get; init; } = "/usr/bin/chromium";

    public bool Keep { get; init; }

    public bool Help { get; init; }

    public static BudgetOptions Parse(string[] args)
    {
        var options = new BudgetOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--url" => options with { Url = new Uri(Value()) },
                "--admin" => options with { Admin = Value() },
                "--channel" => options with { Channel = Value().ToLowerInvariant() },
                "--stream-key" => options with { StreamKey = Value() },
                "--loads" => options with { Loads = int.Parse(Value(), CultureInfo.InvariantCulture) is var n and >= 1 and <= 1000 ? n : throw new ArgumentException("--loads is 1 to 1000") },
                "--part" => Value() switch
                {
                    "size" => options with { MeasureSize = true, MeasureFirstFrame = false, MeasureChat = false },
                    "first-frame" => options with { MeasureSize = false, MeasureFirstFrame = true, MeasureChat = false },
                    "chat" => options with { MeasureSize = false, MeasureFirstFrame = false, MeasureChat = true },
                    "all" => options with { MeasureSize = true, MeasureFirstFrame = true, MeasureChat = true },
                    var other => throw new ArgumentException($"--part {other}: size, first-frame, chat or all"),
                },
                "--host-dll" => options with { HostDll = Value() },
                "--chromium" => options with { Chromium = Value() },
                "--keep" => options with { Keep = true },
                "--help" or "-h" => options with { Help = true },
                var unknown => throw new ArgumentException($"unknown option {unknown}"),
            };
        }
        if (options.Url is not null && options.Admin is null && options.StreamKey is null && options.MeasureFirstFrame)
        {
            throw new ArgumentException("with --url, the first-frame figure needs --admin LOGIN:PASSWORD or --stream-key KEY");
        }
        return options;
    }

    /// <summary>The command that reproduces a figure: this program with the same options, secrets masked.</summary>
    public string Reproduce(string part)
    {
        var parts = new List<string> { "dotnet run -c Release --project bench/CommunityStream.WebBudget --" };
        if (Url is not null)
        {
            parts.Add($"--url {Url}");
        }
        if (Admin is not null)
        {
            parts.Add("--admin LOGIN:PASSWORD");
        }
        if (StreamKey is not null)
        {
            parts.Add("--stream-key KEY");
        }
        if (Channel != "webbudget")
        {
            parts.Add($"--channel {Channel}");
        }
        if (part != "size" && Loads != 10)
        {
            parts.Add($"--loads {Loads}");
        }
        parts.Add($"--part {part}");
        return string.Join(' ', parts);
    }
}
