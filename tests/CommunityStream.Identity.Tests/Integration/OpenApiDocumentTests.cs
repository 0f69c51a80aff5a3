using System.Text.Json;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Tests.Support;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>The Host's built-in OpenAPI document describes the module's endpoints with names, tags and bodies.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task Should_describe_every_identity_endpoint()
    {
        using var temp = new TempDirectory();
        var database = new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(temp.Path, "openapi.db")}");
        JsonElement paths;
        await using (var app = await IdentityTestApp.StartAsync(database, temp.Sub("data"), withOpenApi: true))
        {
            using var document = JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json"));
            paths = document.RootElement.GetProperty("paths").Clone();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var expected = new (string Path, string Method, string OperationId)[]
        {
            ("/api/auth/register", "post", "Register"),
            ("/api/auth/login", "post", "Login"),
            ("/api/auth/refresh", "post", "RefreshToken"),
            ("/api/auth/logout", "post", "Logout"),
            ("/api/me", "get", "GetCurrentUser"),
            ("/api/me/stream-key", "post", "RotateStreamKey"),
            ("/api/users/{id}", "get", "GetUser"),
            ("/api/users/{id}/roles", "put", "SetUserRoles"),
            ("/api/users/{id}/disable", "post", "DisableUser"),
            ("/api/users/{id}/enable", "post", "EnableUser"),
        };
        foreach (var (path, method, operationId) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"missing {path}; have {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
            var operation = item.GetProperty(method);
            Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
            Assert.NotEmpty(operation.GetProperty("tags").EnumerateArray());
        }
        Assert.True(paths.GetProperty("/api/auth/register").GetProperty("post").TryGetProperty("requestBody", out _));
    }
}
