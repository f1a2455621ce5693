using System.Text.Json.Nodes;
using MeshClaw.Storage.Secrets;

namespace MeshClaw.Tests.Storage;

public sealed class FileSecretStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("meshclaw-secrets").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SetSecret_IsReadBackByANewStore_AndIsNotOnDiskInClear()
    {
        new FileSecretStore(_folder).Set("API_KEY", "sk-live-123456");

        Assert.Equal("sk-live-123456", new FileSecretStore(_folder).Get("API_KEY"));
        Assert.DoesNotContain("sk-live-123456", File.ReadAllText(Path.Combine(_folder, "secrets.json")), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, "secrets.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, "secrets.key")));
    }

    [Fact]
    public void EntryMovedToAnotherName_CannotBeDecrypted()
    {
        var store = new FileSecretStore(_folder);
        store.Set("A", "alpha");
        store.Set("B", "beta");
        var path = Path.Combine(_folder, "secrets.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["B"] = json["A"]!.DeepClone();
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<InvalidOperationException>(() => new FileSecretStore(_folder).Get("B"));
        Assert.Contains("altered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_DeletesOnlyThatSecret()
    {
        var store = new FileSecretStore(_folder);
        store.Set("A", "1");
        store.Set("B", "2");

        Assert.True(store.Remove("A"));
        Assert.False(store.Remove("A"));
        Assert.Equal(["B"], store.Names());
    }

    [Fact]
    public void DamagedFile_GivesAClearError()
    {
        File.WriteAllText(Path.Combine(_folder, "secrets.json"), "{ not json");

        var error = Assert.Throws<InvalidOperationException>(() => new FileSecretStore(_folder).Get("A"));
        Assert.Contains("secrets.json is damaged", error.Message, StringComparison.Ordinal);
    }
}
