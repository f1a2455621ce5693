using System.Text;

namespace MeshClaw.Connectors.Shell;

/// <summary>
/// Splits a command into words the way a simple shell would (spaces, single and double quotes), and says
/// whether it uses anything a plain argument list cannot express (pipes, redirection, substitution, chaining).
/// </summary>
public static class CommandLine
{
    private const string ShellSyntax = "|&;<>$`\\*?[]{}()!#~\n";

    public static bool NeedsShell(string command) => command.Any(c => ShellSyntax.Contains(c, StringComparison.Ordinal));

    public static IReadOnlyList<string> Split(string command)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in command)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new FormatException("unclosed quote in the command");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
