using System.Text.RegularExpressions;

namespace MeshClaw.Connectors.Shell;

/// <summary>
/// Commands no approval may let through, whatever the model says and however tired the user is: a download piped into
/// a shell or interpreter, privilege changes, anything naming MeshClaw's own home (its database, secrets, key, config
/// and agent files), and rewriting or deleting git history others rely on (force-push, deleting branches or tags).
/// The gate denies them; the user can still run such a command in their own terminal.
/// </summary>
public static partial class ForbiddenCommands
{
    private static readonly System.Buffers.SearchValues<char> PathEnds = System.Buffers.SearchValues.Create(" \t\n\"';|&)<>`");

    public static string? Why(string command, string workspace, string home)
    {
        if (DownloadIntoInterpreter().IsMatch(command))
        {
            return "a download piped into a shell or interpreter runs code nobody has read; fetch it to a file first and look at it yourself";
        }

        if (PrivilegeChange().IsMatch(command))
        {
            return "commands that change privileges (sudo, su, doas, pkexec, setuid bits, chown to root) are the user's, never an agent's";
        }

        if (NamesHome(command, workspace, home))
        {
            return $"MeshClaw's own home folder ({home}: its database, secrets, key, config and agent files) is out of an agent's reach";
        }

        if (HistoryRewrite().IsMatch(command))
        {
            return "force-pushing and deleting branches or tags rewrite history others rely on; do it yourself if it is meant";
        }

        return null;
    }

    // The home named outright (every mention of its path that is not inside the workspace), through ~/.meshclaw or
    // $MESHCLAW_HOME, or reached from the workspace with ../ (cat ../../secrets.json, another agent's workspace).
    private static bool NamesHome(string command, string workspace, string home)
    {
        var root = home.TrimEnd('/');
        var inside = workspace.TrimEnd('/') + "/";
        if (HomeWords().IsMatch(command))
        {
            return true;
        }

        for (var at = command.IndexOf(root, StringComparison.Ordinal); at >= 0; at = command.IndexOf(root, at + 1, StringComparison.Ordinal))
        {
            var end = command.AsSpan(at).IndexOfAny(PathEnds);
            var mentioned = end < 0 ? command[at..] : command.Substring(at, end);
            if (!Escapes(mentioned, workspace, root, inside))
            {
                continue;
            }

            return true;
        }

        IReadOnlyList<string> words;
        try
        {
            words = CommandLine.Split(command.Replace(';', ' ').Replace('|', ' ').Replace('&', ' '));
        }
        catch (FormatException)
        {
            return false;
        }

        return words.Where(w => w.Contains("..", StringComparison.Ordinal)).Any(w => Escapes(w.Split('=')[^1], workspace, root, inside));
    }

    // Whether a path, taken from the workspace, lands inside the home but outside the workspace.
    private static bool Escapes(string word, string workspace, string root, string inside)
    {
        var path = Path.GetFullPath(Path.Combine(workspace, word)).TrimEnd('/');
        return (path == root || path.StartsWith(root + "/", StringComparison.Ordinal)) && !(path + "/").StartsWith(inside, StringComparison.Ordinal);
    }

    // curl|wget|fetch ... | [sudo] sh|bash|python..., sh -c "$(curl ...)", bash <(wget ...), and the same via source/eval.
    [GeneratedRegex(@"\b(?:curl|wget|fetch|aria2c|http)\b[^|;&]{0,2000}\|\s{0,8}(?:sudo\s{1,8})?(?:env\s{1,8})?(?:ba|z|da|k|c|tc|fi)?sh\b|\b(?:curl|wget|fetch)\b[^|;&]{0,2000}\|\s{0,8}(?:sudo\s{1,8})?(?:python[0-9.]{0,4}|perl|ruby|node|php|lua|osascript)\b|(?:\b(?:ba|z|da|k)?sh|\bsource|\beval|\.)\s{1,8}(?:-c\s{1,8})?[""']?(?:<\(|\$\(|`)\s{0,8}(?:curl|wget|fetch)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DownloadIntoInterpreter();

    [GeneratedRegex(@"(?:^|[;&|(`]|\$\(|\bthen\b|\bdo\b|\bxargs\b|\benv\b)\s{0,8}(?:sudo|su|doas|pkexec|runuser|setpriv)\b|\bchmod\s{1,8}(?:[0-7]?[2-7][0-7]{3}|[ugoa]*\+[rwx]*s)\b|\bchown\s{1,8}(?:-\S{1,8}\s{1,8})*root\b|\bsetcap\b")]
    private static partial Regex PrivilegeChange();

    [GeneratedRegex(@"(?:~|\$HOME|\$\{HOME\})/\.meshclaw\b|\$\{?MESHCLAW_HOME\b")]
    private static partial Regex HomeWords();

    [GeneratedRegex(@"\bgit\b[^;&|]{0,500}\bpush\b[^;&|]{0,500}(?:\s--force(?:-with-lease)?\b|\s-f\b|\s--mirror\b|\s--delete\b|\s-d\b|\s\+\S|\s:\S)|\bgit\b[^;&|]{0,500}\bbranch\b[^;&|]{0,200}\s-(?:D|d|-delete)\b|\bgit\b[^;&|]{0,500}\btag\b[^;&|]{0,200}\s-(?:d|-delete)\b")]
    private static partial Regex HistoryRewrite();
}
