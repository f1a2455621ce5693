using System.Security.Cryptography;

namespace MeshClaw.Core.Runs;

/// <summary>A run's id: time-ordered (so ids sort by start) with a random tail, e.g. <c>run_01jd6x9k2m3abcd</c>.</summary>
public readonly record struct RunId(string Value)
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static RunId New(TimeProvider time)
    {
        var ms = time.GetUtcNow().ToUnixTimeMilliseconds();
        Span<char> chars = stackalloc char[18];
        for (var i = 9; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }

        for (var i = 10; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new RunId("run_" + new string(chars));
    }

    public override string ToString() => Value;
}
