using MeshClaw.Core.Idle;
using Microsoft.Data.Sqlite;

namespace MeshClaw.Storage.Sqlite;

/// <summary>
/// Closes the pooled connections a burst opened: each keeps its own page cache (up to 2 MB) and prepared statements,
/// and Microsoft.Data.Sqlite prunes idle ones only after minutes. Connections in use are closed when they are returned;
/// the next open makes a fresh one.
/// </summary>
public sealed class SqlitePoolTrim : IIdleTrim
{
    public void Trim() => SqliteConnection.ClearAllPools();
}
