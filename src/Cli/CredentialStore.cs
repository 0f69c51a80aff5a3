using System.Text.Json;

namespace CommunityStream.Cli;

/// <summary>
/// The token <c>csctl login</c> keeps in <c>credentials.json</c> under the config directory, readable by its owner only
/// (file 0600, directory 0700), like other CLIs' credential files.
/// </summary>
internal sealed class CredentialStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string FilePath { get; } = Path.Combine(directory, "credentials.json");

    public StoredLogin? Read()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<StoredLogin>(File.ReadAllText(FilePath), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Write(StoredLogin login)
    {
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.CreateDirectory(directory);
        }
        // Written to a private temporary file and moved over, so the token is never readable by others, even briefly.
        var temporary = FilePath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, login, Json);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, FilePath, overwrite: true);
    }

    public bool Delete()
    {
        if (!File.Exists(FilePath))
        {
            return false;
        }
        File.Delete(FilePath);
        return true;
    }
}

/// <summary>What <c>csctl login</c> stored.</summary>
internal sealed record StoredLogin(string Url, string Username, string Token, DateTimeOffset ExpiresAt);
