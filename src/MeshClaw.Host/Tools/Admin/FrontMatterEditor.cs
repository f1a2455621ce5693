using System.Text;

namespace MeshClaw.Host.Tools.Admin;

/// <summary>
/// Replaces one top-level field of an agent file's front matter, leaving every other line as the user wrote it.
/// The new value is written as JSON, which is valid YAML flow style.
/// </summary>
public static class FrontMatterEditor
{
    public static string Set(string text, string field, string jsonValue)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var close = lines.FindIndex(1, l => l.Trim() == "---");
        if (lines.Count == 0 || lines[0].Trim() != "---" || close < 0)
        {
            throw new InvalidOperationException("the agent file has no front matter");
        }

        var result = new StringBuilder().Append(lines[0]).Append('\n');
        for (var i = 1; i < close; i++)
        {
            if (lines[i].StartsWith(field + ":", StringComparison.Ordinal))
            {
                // Skip the field and its indented continuation lines.
                while (i + 1 < close && (lines[i + 1].StartsWith(' ') || lines[i + 1].StartsWith('\t') || lines[i + 1].StartsWith('-')))
                {
                    i++;
                }

                continue;
            }

            result.Append(lines[i]).Append('\n');
        }

        result.Append(field).Append(": ").Append(jsonValue).Append('\n');
        for (var i = close; i < lines.Count; i++)
        {
            result.Append(lines[i]);
            if (i < lines.Count - 1)
            {
                result.Append('\n');
            }
        }

        return result.ToString();
    }
}
