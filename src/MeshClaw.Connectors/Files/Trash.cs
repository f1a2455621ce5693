namespace MeshClaw.Connectors.Files;

/// <summary>
/// "Deleted" files go to <c>.trash/</c> in the workspace, never away: the path is worked out the same way when
/// the call is planned and when it runs, so the journaled inverse points at the right place.
/// </summary>
public static class Trash
{
    public const string Folder = ".trash";

    public static string PlaceFor(string workspace, string runId, string relative)
    {
        // The caller passes the path relative to the workspace after resolving it, so this never leaves .trash.
        var basePath = Path.Combine(workspace, Folder, runId, relative);
        var candidate = basePath;
        for (var n = 2; File.Exists(candidate) || Directory.Exists(candidate); n++)
        {
            candidate = $"{basePath}~{n}";
        }

        return candidate;
    }

    /// <summary>Whether a resolved path is in the workspace's .trash (the undo history, which only undo may take things out of).</summary>
    public static bool Contains(string workspace, string fullPath)
    {
        var inside = Path.GetRelativePath(Path.GetFullPath(workspace), fullPath);
        return inside == Folder || inside.StartsWith(Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
