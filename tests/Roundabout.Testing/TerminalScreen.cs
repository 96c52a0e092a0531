using System.Text;

namespace Roundabout.Testing;

/// <summary>
/// A small terminal emulator for tests: it takes what a program wrote to a terminal (text, CR, LF,
/// backspace, and the ANSI cursor and erase sequences) and keeps the screen a person would see,
/// plus the lines that scrolled off its top. Sequences it does not know are kept in
/// <see cref="Unknown"/>, so a test can tell that the screen may be wrong.
/// </summary>
public sealed class TerminalScreen
{
    private readonly char[][] _cells;
    private readonly List<string> _scrolledOff = [];
    private readonly List<string> _unknown = [];
    private readonly StringBuilder _escape = new();
    private int _row;
    private int _column;
    private bool _pendingWrap;

    public TerminalScreen(int columns, int rows)
    {
        Columns = columns;
        RowCount = rows;
        _cells = Enumerable.Range(0, rows).Select(_ => NewRow()).ToArray();
    }

    public int Columns { get; }

    public int RowCount { get; }

    /// <summary>The screen's rows, trailing spaces removed.</summary>
    public IReadOnlyList<string> Rows => _cells.Select(r => new string(r).TrimEnd()).ToArray();

    /// <summary>Every row ever shown: those that scrolled off, then the screen's.</summary>
    public IReadOnlyList<string> AllRows => [.. _scrolledOff, .. Rows];

    /// <summary>The last row that is not empty.</summary>
    public string LastNonEmptyRow => Rows.LastOrDefault(r => r.Length > 0) ?? string.Empty;

    public int CursorRow => _row;

    public IReadOnlyList<string> Unknown => _unknown;

    public override string ToString() => string.Join('\n', AllRows);

    public void Feed(string text)
    {
        foreach (var c in text)
        {
            Feed(c);
        }
    }

    private void Feed(char c)
    {
        if (_escape.Length > 0)
        {
            Escape(c);
            return;
        }

        switch (c)
        {
            case '\u001b':
                _escape.Append(c);
                return;
            case '\r':
                _column = 0;
                _pendingWrap = false;
                return;
            case '\n':
                LineFeed();
                return;
            case '\b':
                _column = Math.Max(0, _column - 1);
                _pendingWrap = false;
                return;
            case '\t':
                _column = Math.Min(Columns - 1, ((_column / 8) + 1) * 8);
                return;
            case '\a':
                return;
        }

        if (char.IsControl(c))
        {
            _unknown.Add($"control 0x{(int)c:x2}");
            return;
        }

        if (_pendingWrap)
        {
            _column = 0;
            LineFeed();
        }

        _cells[_row][_column] = c;
        if (_column == Columns - 1)
        {
            _pendingWrap = true;
        }
        else
        {
            _column++;
        }
    }

    private void LineFeed()
    {
        _pendingWrap = false;
        if (_row < RowCount - 1)
        {
            _row++;
            return;
        }

        _scrolledOff.Add(new string(_cells[0]).TrimEnd());
        for (var i = 0; i < RowCount - 1; i++)
        {
            _cells[i] = _cells[i + 1];
        }

        _cells[RowCount - 1] = NewRow();
    }

    private void Escape(char c)
    {
        _escape.Append(c);
        var text = _escape.ToString();
        if (text.Length == 2)
        {
            if (c is '[' or ']')
            {
                return;
            }

            // ESC = and ESC > (keypad modes) and the like change nothing on the screen.
            _escape.Clear();
            if (c is not ('=' or '>' or '7' or '8'))
            {
                _unknown.Add("ESC " + c);
            }

            return;
        }

        if (text[1] == ']')
        {
            // An operating system command (a window title): ends with BEL or ESC \.
            if (c == '\a' || text.EndsWith("\u001b\\", StringComparison.Ordinal))
            {
                _escape.Clear();
            }

            return;
        }

        if (c is >= '@' and <= '~')
        {
            _escape.Clear();
            Csi(text[2..^1], c);
        }
    }

    private void Csi(string parameters, char final)
    {
        if (parameters.StartsWith('?') || parameters.StartsWith('>'))
        {
            // Private modes (cursor visibility, keypad, bracketed paste): nothing on the screen changes.
            return;
        }

        var numbers = parameters.Split(';').Select(p => int.TryParse(p, out var n) ? n : 0).ToArray();
        int At(int index, int fallback) => index < numbers.Length && numbers[index] > 0 ? numbers[index] : fallback;
        _pendingWrap = false;
        switch (final)
        {
            case 'A':
                _row = Math.Max(0, _row - At(0, 1));
                break;
            case 'B':
                _row = Math.Min(RowCount - 1, _row + At(0, 1));
                break;
            case 'C':
                _column = Math.Min(Columns - 1, _column + At(0, 1));
                break;
            case 'D':
                _column = Math.Max(0, _column - At(0, 1));
                break;
            case 'G':
                _column = Math.Clamp(At(0, 1) - 1, 0, Columns - 1);
                break;
            case 'H' or 'f':
                _row = Math.Clamp(At(0, 1) - 1, 0, RowCount - 1);
                _column = Math.Clamp(At(1, 1) - 1, 0, Columns - 1);
                break;
            case 'J':
                EraseDisplay(numbers[0]);
                break;
            case 'K':
                EraseLine(numbers[0]);
                break;
            case 'm':
                break;
            default:
                _unknown.Add($"CSI {parameters}{final}");
                break;
        }
    }

    private void EraseDisplay(int mode)
    {
        if (mode is 2 or 3)
        {
            foreach (var row in _cells)
            {
                Array.Fill(row, ' ');
            }

            return;
        }

        if (mode == 0)
        {
            EraseLine(0);
            for (var r = _row + 1; r < RowCount; r++)
            {
                Array.Fill(_cells[r], ' ');
            }

            return;
        }

        EraseLine(1);
        for (var r = 0; r < _row; r++)
        {
            Array.Fill(_cells[r], ' ');
        }
    }

    private void EraseLine(int mode)
    {
        var row = _cells[_row];
        switch (mode)
        {
            case 0:
                Array.Fill(row, ' ', _column, Columns - _column);
                break;
            case 1:
                Array.Fill(row, ' ', 0, _column + 1);
                break;
            default:
                Array.Fill(row, ' ');
                break;
        }
    }

    private char[] NewRow()
    {
        var row = new char[Columns];
        Array.Fill(row, ' ');
        return row;
    }
}
