namespace MeshClaw.Core.Security.Credentials;

/// <summary>
/// Replaces PEM private key blocks (-----BEGIN ... PRIVATE KEY----- to -----END ... PRIVATE KEY-----) by
/// <c>[credential:private-key]</c>. Plain searches, in time linear in the text: once no end marker follows a position,
/// none follows any later one either, so a text full of unclosed headers costs one scan.
/// </summary>
internal static class PemBlocks
{
    private const string Begin = "-----BEGIN ";
    private const string End = "-----END ";
    private const string Tail = "PRIVATE KEY-----";

    public static string Redact(string text, CredentialTally? tally)
    {
        var begin = text.IndexOf(Begin, StringComparison.Ordinal);
        if (begin < 0)
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        var copied = 0;
        while (begin >= 0)
        {
            var headerEnd = text.IndexOf("-----", begin + Begin.Length, StringComparison.Ordinal);
            if (headerEnd < 0)
            {
                break;
            }

            var headerClose = headerEnd + 5;
            if (!text.AsSpan(begin, headerClose - begin).EndsWith(Tail, StringComparison.Ordinal))
            {
                begin = text.IndexOf(Begin, headerClose, StringComparison.Ordinal);
                continue;
            }

            var end = FindEnd(text, headerClose);
            if (end < 0)
            {
                break;
            }

            result.Append(text, copied, begin - copied).Append("[credential:private-key]");
            tally?.Add("private-key");
            copied = end;
            begin = text.IndexOf(Begin, end, StringComparison.Ordinal);
        }

        return copied == 0 ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    // The index just past "-----END ... PRIVATE KEY-----" after start, or -1 when there is none.
    private static int FindEnd(string text, int start)
    {
        var end = text.IndexOf(End, start, StringComparison.Ordinal);
        while (end >= 0)
        {
            var close = text.IndexOf("-----", end + End.Length, StringComparison.Ordinal);
            if (close < 0)
            {
                return -1;
            }

            if (text.AsSpan(end, close + 5 - end).EndsWith(Tail, StringComparison.Ordinal))
            {
                return close + 5;
            }

            end = text.IndexOf(End, close + 5, StringComparison.Ordinal);
        }

        return -1;
    }
}
