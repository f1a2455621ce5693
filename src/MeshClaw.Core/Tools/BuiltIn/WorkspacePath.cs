namespace MeshClaw.Core.Tools.BuiltIn;

/// <summary>Resolves a model-supplied path inside a workspace, or refuses it.</summary>
public static class WorkspacePath
{
    /// <summary>The full path, or null when the path (after following links) would leave the workspace.</summary>
    public static string? Resolve(string workspace, string relative)
    {
        if (string.IsNullOrWhiteSpace(relative) || relative.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var root = Path.GetFullPath(workspace).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (full + Path.DirectorySeparatorChar == root)
        {
            // The workspace itself ("." or "sub/.."): inside, by definition.
            return full;
        }

        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            return null;
        }

        // A link inside the workspace may point anywhere: check every existing component's real target.
        var current = root.TrimEnd(Path.DirectorySeparatorChar);
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                if (target is null || !(target + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal))
                {
                    return null;
                }
            }
        }

        return full;
    }
}
