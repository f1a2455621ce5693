using MeshClaw.Core.Home;
using MeshClaw.Host.Backup;

namespace MeshClaw.Tests.Backup;

/// <summary>A restore killed after any one of its moves is finished by the next <see cref="RestoreJournal.Resume"/>, losing nothing.</summary>
public sealed class RestoreJournalTests : IDisposable
{
    private readonly MeshClawHome _home = new(Path.Combine(Path.GetTempPath(), "meshclaw-restore-" + Guid.NewGuid().ToString("N")[..8]));

    private string Staging => Path.Combine(_home.Root, ".restore-1");
    private string Aside => Path.Combine(_home.Root, "before-restore-1");

    private static readonly string[] Replaced = ["meshclaw.db", "meshclaw.db-wal", "config.json", "agents"];
    private static readonly string[] Restored = ["meshclaw.db", "config.json", "agents"];

    public RestoreJournalTests()
    {
        Write(_home.Root, "meshclaw.db", "old db");
        Write(_home.Root, "meshclaw.db-wal", "old wal");
        Write(_home.Root, "config.json", "old config");
        Write(_home.Root, "agents/old.md", "old agent");
        Write(_home.Root, "secrets.json", "kept secrets");
        Write(Staging, "meshclaw.db", "new db");
        Write(Staging, "config.json", "new config");
        Write(Staging, "agents/new.md", "new agent");
    }

    /// <summary>The moves a restore makes, in order: everything current aside, then everything staged in.</summary>
    private IEnumerable<(string From, string To)> Moves() =>
        Replaced.Select(n => (Path.Combine(_home.Root, n), Path.Combine(Aside, n)))
            .Concat(Restored.Select(n => (Path.Combine(Staging, n), Path.Combine(_home.Root, n))));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void KilledAfterAnyMove_ResumeFinishesTheRestore_AndKeepsTheOldHomeAside(int movesDone)
    {
        RestoreJournal.Begin(_home, new RestoreJournal.Plan(Staging, Aside, Replaced, Restored));
        Directory.CreateDirectory(Aside);
        foreach (var (from, to) in Moves().Take(movesDone))
        {
            if (Directory.Exists(from))
            {
                Directory.Move(from, to);
            }
            else
            {
                File.Move(from, to);
            }
        }

        Assert.True(RestoreJournal.Resume(_home));

        Assert.Equal("new db", Read(_home.Root, "meshclaw.db"));
        Assert.Equal("new config", Read(_home.Root, "config.json"));
        Assert.Equal("new agent", Read(_home.Root, "agents/new.md"));
        Assert.False(File.Exists(Path.Combine(_home.Root, "agents/old.md")));
        Assert.False(File.Exists(Path.Combine(_home.Root, "meshclaw.db-wal")), "the old database's WAL would be replayed into the restored one");
        Assert.Equal("old db", Read(Aside, "meshclaw.db"));
        Assert.Equal("old wal", Read(Aside, "meshclaw.db-wal"));
        Assert.Equal("old config", Read(Aside, "config.json"));
        Assert.Equal("old agent", Read(Aside, "agents/old.md"));
        Assert.Equal("kept secrets", Read(_home.Root, "secrets.json"));
        Assert.False(File.Exists(RestoreJournal.MarkerOf(_home)));
        Assert.False(Directory.Exists(Staging));
        Assert.False(RestoreJournal.Resume(_home));
    }

    [Fact]
    public void EmptyFoldersOfAFreshHome_AreReplacedWithoutAnAsideFolder()
    {
        var fresh = new MeshClawHome(Path.Combine(_home.Root, "fresh"));
        fresh.EnsureCreated();
        var staging = Path.Combine(fresh.Root, ".restore-1");
        var aside = Path.Combine(fresh.Root, "before-restore-1");
        Write(staging, "agents/new.md", "new agent");
        Write(staging, "meshclaw.db", "new db");

        RestoreJournal.Begin(fresh, new RestoreJournal.Plan(staging, aside, ["meshclaw.db", "agents", "skills"], ["meshclaw.db", "agents"]));
        RestoreJournal.Resume(fresh);

        Assert.Equal("new agent", Read(fresh.Root, "agents/new.md"));
        Assert.False(Directory.Exists(aside), "an aside folder was made though the home held nothing");
        Assert.False(Directory.Exists(Path.Combine(fresh.Root, "skills")));
    }

    [Fact]
    public void KilledBeforeThePlanWasWritten_LeavesTheHomeAsItWas()
    {
        Assert.False(RestoreJournal.Resume(_home));

        Assert.Equal("old db", Read(_home.Root, "meshclaw.db"));
        Assert.Equal("old config", Read(_home.Root, "config.json"));
        Assert.False(Directory.Exists(Aside));
    }

    private static void Write(string root, string path, string text)
    {
        var file = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    private static string Read(string root, string path) => File.ReadAllText(Path.Combine(root, path));

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);
}
