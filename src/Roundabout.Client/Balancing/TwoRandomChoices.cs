namespace Roundabout.Client.Balancing;

/// <summary>
/// The draw both two-choice pickers share: two different random servers that are not ejected (all
/// of them when every one is: panic mode). The picker then keeps the better of the two.
/// </summary>
internal static class TwoRandomChoices
{
    /// <summary>Two different indexes into <paramref name="keys"/>; Second is -1 when only one server is eligible.</summary>
    public static (int First, int Second) Draw(string[] keys, ServerHealth health, Random random)
    {
        if (keys.Length == 1)
        {
            return (0, -1);
        }

        Span<int> eligible = keys.Length <= 256 ? stackalloc int[keys.Length] : new int[keys.Length];
        var count = 0;
        var anyEjected = health.AnyEjected;
        for (var i = 0; i < keys.Length; i++)
        {
            if (!anyEjected || !health.IsEjected(keys[i]))
            {
                eligible[count++] = i;
            }
        }

        if (count == 0)
        {
            health.NotePanic(keys.Length);
            count = keys.Length;
            for (var i = 0; i < count; i++)
            {
                eligible[i] = i;
            }
        }
        else if (anyEjected)
        {
            health.NoteHealthyPick();
        }

        if (count == 1)
        {
            return (eligible[0], -1);
        }

        var a = random.Next(count);
        var b = random.Next(count - 1);
        if (b >= a)
        {
            b++;
        }

        return (eligible[a], eligible[b]);
    }
}
