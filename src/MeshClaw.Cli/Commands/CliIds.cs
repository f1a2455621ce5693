using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;

namespace MeshClaw.Cli.Commands;

/// <summary>
/// Ids typed by the user (runs, approvals, grants, actions) are checked before any URL is built from them: only letters,
/// digits, '_', '-', '.' and ':' and never "..", so an id cannot walk to another route ("../", "/") or carry control
/// characters. The error shows the id with anything unprintable escaped, so it never replays a terminal escape sequence.
/// </summary>
public static class CliIds
{
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 200 && !id.Contains("..", StringComparison.Ordinal)
        && id.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' or ':');

    /// <summary>The text with every control, format (e.g. a right-to-left override) or non-ASCII character shown as \uXXXX.</summary>
    public static string Printable(string text)
    {
        var printable = new StringBuilder(text.Length);
        foreach (var c in text.Length > 80 ? text[..80] : text)
        {
            printable.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{((int)c).ToString("x4", CultureInfo.InvariantCulture)}");
        }

        return text.Length > 80 ? printable + "..." : printable.ToString();
    }

    public static string Error(string what, string id) =>
        $"'{Printable(id)}' is not a valid {what} id: ids are letters, digits, '_', '-', '.' and ':' (no '/', no '..', no control characters)";

    public static Argument<string> Checked(this Argument<string> argument, string what)
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !IsValid(result.Tokens[0].Value))
            {
                result.AddError(Error(what, result.Tokens[0].Value));
            }
        });
        return argument;
    }

    public static Option<string?> Checked(this Option<string?> option, string what)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !IsValid(result.Tokens[0].Value))
            {
                result.AddError(Error(what, result.Tokens[0].Value));
            }
        });
        return option;
    }
}
