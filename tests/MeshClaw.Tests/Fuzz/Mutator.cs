using System.Text;

namespace MeshClaw.Tests.Fuzz;

/// <summary>
/// Seeded mutations of a valid file, the kinds of slip a person makes while editing: a character dropped, doubled or
/// replaced by one that means something to the parser, a line lost, swapped or cut short, a tab or a stray quote.
/// </summary>
public sealed class Mutator(int seed)
{
    private const string Meaningful = "[]{}:,-'\"#&*!|>%@`\t\\?\n ";
    private readonly Random _random = new(seed);

    public string Mutate(string text)
    {
        var result = new StringBuilder(text);
        for (var edits = _random.Next(1, 4); edits > 0 && result.Length > 0; edits--)
        {
            var at = _random.Next(result.Length);
            switch (_random.Next(7))
            {
                case 0:
                    result.Remove(at, 1);
                    break;
                case 1:
                    result.Insert(at, Meaningful[_random.Next(Meaningful.Length)]);
                    break;
                case 2:
                    result[at] = Meaningful[_random.Next(Meaningful.Length)];
                    break;
                case 3:
                    result.Insert(at, result[at]);
                    break;
                case 4:
                    result = new StringBuilder(DropLine(result.ToString()));
                    break;
                case 5:
                    result = new StringBuilder(SwapLines(result.ToString()));
                    break;
                default:
                    result.Length = at;
                    break;
            }
        }

        return result.ToString();
    }

    private string DropLine(string text)
    {
        var lines = text.Split('\n').ToList();
        lines.RemoveAt(_random.Next(lines.Count));
        return string.Join('\n', lines);
    }

    private string SwapLines(string text)
    {
        var lines = text.Split('\n');
        var (a, b) = (_random.Next(lines.Length), _random.Next(lines.Length));
        (lines[a], lines[b]) = (lines[b], lines[a]);
        return string.Join('\n', lines);
    }
}
