using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace MeshClaw.Connectors.Web;

/// <summary>
/// Turns an HTML page into its readable text: scripts, styles and tags removed, entities decoded, blank runs
/// collapsed. The input is capped and every pattern has a time limit, because pages and mail are written by
/// strangers; past the limit a plain linear tag strip is used instead.
/// </summary>
public static partial class ReadableText
{
    private const int MaxHtmlChars = 512 * 1024;
    private const int TimeoutMs = 250;

    [GeneratedRegex(@"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<(br|/p|/div|/h[1-6]|/li|/tr)\b[^>]*>", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex Breaks();

    [GeneratedRegex("<[^>]*>", RegexOptions.None, TimeoutMs)]
    private static partial Regex Tags();

    [GeneratedRegex(@"[ \t]+", RegexOptions.None, TimeoutMs)]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n\s*\n+", RegexOptions.None, TimeoutMs)]
    private static partial Regex BlankLines();

    public static string FromHtml(string html)
    {
        if (html.Length > MaxHtmlChars)
        {
            html = html[..MaxHtmlChars];
        }

        try
        {
            var text = Invisible().Replace(html, " ");
            text = Breaks().Replace(text, "\n");
            text = WebUtility.HtmlDecode(Tags().Replace(text, " "));
            text = Spaces().Replace(text, " ");
            return BlankLines().Replace(text, "\n\n").Trim();
        }
        catch (RegexMatchTimeoutException)
        {
            return StripTags(html);
        }
    }

    /// <summary>One pass over the characters: drops everything between '&lt;' and '&gt;'.</summary>
    private static string StripTags(string html)
    {
        var text = new StringBuilder(html.Length);
        var inTag = false;
        foreach (var c in html)
        {
            if (c == '<')
            {
                inTag = true;
            }
            else if (c == '>')
            {
                inTag = false;
                text.Append(' ');
            }
            else if (!inTag)
            {
                text.Append(c);
            }
        }

        return WebUtility.HtmlDecode(text.ToString()).Trim();
    }
}
