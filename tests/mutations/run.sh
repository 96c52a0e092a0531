#!/usr/bin/env bash
# The mutation check: applies each deliberate breakage listed in tests/mutations/list (one patch
# file each) to the working tree, runs only the tests meant to catch it, takes the patch back out,
# and prints a table: caught (a test failed), SURVIVED (every test passed) or BROKEN (the mutated
# code did not build). The tree is restored on every exit, including Ctrl-C.
#
#   bash tests/mutations/run.sh                 # every mutation
#   bash tests/mutations/run.sh skip-fsync ...  # only these
#
# Exit status: 0 when every mutation run was caught, 1 otherwise.
set -euo pipefail

root=$(git rev-parse --show-toplevel)
cd "$root"
here=tests/mutations
logs=$(mktemp -d)
applied=""

restore() {
    if [[ -n "$applied" ]]; then
        git apply -R "$applied"
        applied=""
    fi
}

finish() {
    restore
    rm -rf "$logs"
}

trap finish EXIT
trap 'exit 130' INT TERM

declare -a rows=()
all_caught=0
while read -r name project filter; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    if (($# > 0)) && [[ " $* " != *" $name "* ]]; then
        continue
    fi

    patch="$here/$name.patch"
    tests="$project: $filter"
    if ! git apply --check "$patch" 2>/dev/null; then
        rows+=("$name"$'\t'"$tests"$'\t'"NOT APPLIED (the code it breaks has changed; update $patch)")
        all_caught=1
        continue
    fi

    git apply "$patch"
    applied="$patch"
    log="$logs/$name.log"
    echo "== $name: $project --filter $filter" >&2
    if dotnet test "$project" -v q -p:TreatWarningsAsErrors=false --filter "$filter" >"$log" 2>&1; then
        result="SURVIVED"
        all_caught=1
    elif grep -qE "Failed: +[1-9]" "$log"; then
        result="caught ($(grep -oE "Failed: +[0-9]+, Passed: +[0-9]+" "$log" | tail -1))"
    else
        result="BROKEN (no test ran: $(grep -m1 -oE "error [A-Z]+[0-9]+: [^[]*|No test matches[^.]*" "$log" || echo "see the output of dotnet test"))"
        all_caught=1
    fi

    restore
    rows+=("$name"$'\t'"$tests"$'\t'"$result")
done <"$here/list"

printf '\n%-28s | %-8s | %s\n' "mutation" "result" "tests run"
printf '%s\n' "-----------------------------+----------+------------------------------------------"
for row in "${rows[@]}"; do
    IFS=$'\t' read -r name tests result <<<"$row"
    printf '%-28s | %-8s | %s\n' "$name" "${result%% *}" "$tests"
    if [[ "$result" == *" "* ]]; then
        printf '%-28s   %s\n' "" "${result#* }"
    fi
done

exit "$all_caught"
