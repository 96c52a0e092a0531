namespace Roundabout.Dashboard.History;

/// <summary>A fixed number of the latest items: adding one past the capacity drops the oldest.</summary>
internal sealed class Ring<T>(int capacity)
{
    private readonly T[] _items = new T[capacity];
    private int _next;

    public int Count { get; private set; }

    public int Capacity => _items.Length;

    public void Add(T item)
    {
        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        Count = Math.Min(Count + 1, _items.Length);
    }

    /// <summary>Oldest first.</summary>
    public T[] ToArray()
    {
        var result = new T[Count];
        var start = (_next - Count + _items.Length) % _items.Length;
        for (var i = 0; i < Count; i++)
        {
            result[i] = _items[(start + i) % _items.Length];
        }

        return result;
    }
}
