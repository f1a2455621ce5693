using MeshClaw.Core.Tools.BuiltIn;

namespace MeshClaw.Tests.Tools;

public sealed class WorkspacePathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("meshclaw-ws").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("sub/dir/file.md")]
    [InlineData("./a/../b.txt")]
    public void PathsInside_Resolve(string relative)
    {
        Assert.StartsWith(_root, WorkspacePath.Resolve(_root, relative), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../x")]
    [InlineData("")]
    public void PathsOutside_AreRefused(string relative)
    {
        Assert.Null(WorkspacePath.Resolve(_root, relative));
    }

    [Fact]
    public void SymbolicLinkPointingOutside_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), "/etc");
        Directory.CreateDirectory(Path.Combine(_root, "real"));
        File.CreateSymbolicLink(Path.Combine(_root, "inside"), Path.Combine(_root, "real"));

        Assert.Null(WorkspacePath.Resolve(_root, "escape/passwd"));
        Assert.NotNull(WorkspacePath.Resolve(_root, "inside/file.txt"));
    }

    [Fact]
    public void SiblingFolderWithTheSamePrefix_IsOutside()
    {
        Assert.Null(WorkspacePath.Resolve(_root, $"../{Path.GetFileName(_root)}-evil/x"));
    }
}
