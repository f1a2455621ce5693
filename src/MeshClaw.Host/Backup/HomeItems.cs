namespace MeshClaw.Host.Backup;

/// <summary>
/// Which parts of a home a backup may hold, and which a restore moves aside. Never archived: gateway.json and
/// gateway.lock (a running gateway's), keys/ (the data-protection keys of dashboard cookies: after a restore one signs
/// in again), the migration copies (*.bak) and the -wal/-shm files (the databases are copied whole, consistently).
/// </summary>
public static class HomeItems
{
    public const string Database = "meshclaw.db";
    public const string Scheduler = "scheduler.db";
    public const string Config = "config.json";
    public const string Agents = "agents";
    public const string Skills = "skills";
    public const string Workspaces = "workspaces";
    public const string Secrets = "secrets.json";
    public const string SecretsKey = "secrets.key";

    public static readonly IReadOnlySet<string> Files = new HashSet<string>(StringComparer.Ordinal) { Database, Scheduler, Config, Secrets, SecretsKey };
    public static readonly IReadOnlySet<string> Folders = new HashSet<string>(StringComparer.Ordinal) { Agents, Skills, Workspaces };

    /// <summary>
    /// Moved aside by a restore whether or not the archive has them: the databases' side files belong to the database
    /// being replaced (an old -wal beside a restored file would be replayed into it), and the job store goes with the runs.
    /// </summary>
    public static readonly IReadOnlyList<string> AlwaysReplaced =
    [
        Database, Database + "-wal", Database + "-shm", Database + "-journal",
        Scheduler, Scheduler + "-wal", Scheduler + "-shm", Scheduler + "-journal",
        Config, Agents, Skills,
    ];

    public static bool IsKnown(string item) => Files.Contains(item) || Folders.Contains(item);
}
