namespace MeshClaw.Host.Tools.Admin;

/// <summary>Atomic writes of home-folder files (temp file, then rename), so a crash never leaves half a config.</summary>
public static class HomeFiles
{
    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = path + ".meshclaw-tmp";
        await File.WriteAllTextAsync(temp, content, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }
}
