namespace MeshClaw.Testing;

/// <summary>Cuts streamed content into several pieces so clients must reassemble it, as with a real model.</summary>
internal static class Chunker
{
    /// <summary>Words, each keeping the whitespace that follows it, so the pieces join back to the exact text.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            var atBoundary = i == text.Length || (char.IsWhiteSpace(text[i - 1]) && !char.IsWhiteSpace(text[i]));
            if (atBoundary && i > start)
            {
                pieces.Add(text[start..i]);
                start = i;
            }
        }

        return pieces;
    }

    /// <summary>Up to three pieces of similar length, never splitting a surrogate pair; one empty piece for empty text.</summary>
    public static IReadOnlyList<string> Thirds(string text)
    {
        if (text.Length < 3)
        {
            return [text];
        }

        var pieces = new List<string>();
        var start = 0;
        for (var part = 1; part <= 3; part++)
        {
            var end = part == 3 ? text.Length : text.Length * part / 3;
            if (end < text.Length && char.IsHighSurrogate(text[end - 1]))
            {
                end++;
            }

            if (end > start)
            {
                pieces.Add(text[start..end]);
                start = end;
            }
        }

        return pieces;
    }
}
