using System.Text.Json;
using MeshClaw.Core.Home;
using MeshClaw.Host.Api;

namespace MeshClaw.Host.Backup;

/// <summary>
/// The switch from the current home to a restored one, safe against being killed at any point. The restored parts are
/// first written and checked in a staging folder inside the home (same file system, so every move is a rename); then
/// <c>restore.pending</c> records the plan, and only then are the current parts renamed into the aside folder and the
/// staged ones into place. Nothing is ever deleted. Killed before the plan is written, the home is untouched (a
/// staging folder is left over); killed after, <see cref="Resume"/> (run by the next <c>restore</c> and by <c>up</c>)
/// finishes the same moves, since each step can tell from the files whether it was done.
/// </summary>
public static class RestoreJournal
{
    public sealed record Plan(string Staging, string Aside, IReadOnlyList<string> Replaced, IReadOnlyList<string> Restored);

    public static string MarkerOf(MeshClawHome home) => Path.Combine(home.Root, "restore.pending");

    public static void Begin(MeshClawHome home, Plan plan)
    {
        var marker = MarkerOf(home);
        var temp = marker + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(file, plan, ApiJson.Options);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, marker, overwrite: true);
    }

    /// <summary>Finishes a restore whose plan was written; false when none was pending. Must run under the home's lock.</summary>
    public static bool Resume(MeshClawHome home)
    {
        var marker = MarkerOf(home);
        if (!File.Exists(marker))
        {
            return false;
        }

        var plan = JsonSerializer.Deserialize<Plan>(File.ReadAllText(marker), ApiJson.Options)
            ?? throw new InvalidDataException($"{marker} is empty");
        // First everything current goes aside. A restored part still staged means the one in the home is the old one;
        // a part not staged any more was already moved in and stays. An empty folder holds nothing to keep.
        foreach (var name in plan.Replaced)
        {
            var current = Path.Combine(home.Root, name);
            var staged = Path.Combine(plan.Staging, name);
            if (!Exists(current) || (plan.Restored.Contains(name) && !Exists(staged)))
            {
                continue;
            }

            if (Directory.Exists(current) && !Directory.EnumerateFileSystemEntries(current).Any())
            {
                Directory.Delete(current);
                continue;
            }

            Directory.CreateDirectory(plan.Aside);
            Move(current, Free(Path.Combine(plan.Aside, name)));
        }

        foreach (var name in plan.Restored)
        {
            var staged = Path.Combine(plan.Staging, name);
            if (Exists(staged))
            {
                Move(staged, Path.Combine(home.Root, name));
            }
        }

        File.Delete(marker);
        if (Directory.Exists(plan.Staging) && !Directory.EnumerateFileSystemEntries(plan.Staging).Any())
        {
            Directory.Delete(plan.Staging);
        }

        return true;
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    private static void Move(string from, string to)
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

    /// <summary>A name not taken yet in the aside folder (a second attempt never overwrites what the first put there).</summary>
    private static string Free(string path)
    {
        var candidate = path;
        for (var n = 1; Exists(candidate); n++)
        {
            candidate = $"{path}.{n}";
        }

        return candidate;
    }
}
