using System.Net;
using System.Text.RegularExpressions;

namespace MeshClaw.Connectors.Web;

/// <summary>Turns an HTML page into its readable text: scripts, styles and tags removed, entities decoded, blank runs collapsed.</summary>
public static partial class ReadableText
{
    [GeneratedRegex(@"<(script|style|noscript|template)[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<(br|/p|/div|/h[1-6]|/li|/tr)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Breaks();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n\s*\n+")]
    private static partial Regex BlankLines();

    public static string FromHtml(string html)
    {
        var text = Invisible().Replace(html, " ");
        text = Breaks().Replace(text, "\n");
        text = WebUtility.HtmlDecode(Tags().Replace(text, " "));
        text = Spaces().Replace(text, " ");
        return BlankLines().Replace(text, "\n\n").Trim();
    }
}
