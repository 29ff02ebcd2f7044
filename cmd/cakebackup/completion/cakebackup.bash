# bash completion for cakebackup: source <(cakebackup completion bash)
_cakebackup() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  local opts w ask=$cur
  COMPREPLY=()
  # After a "--" cakebackup would run the command rather than list words:
  # leave those to file names. A "--" being typed asks with "-" instead.
  for w in "${words[@]:1}"; do
    [[ $w == -- ]] && return 0
  done
  [[ $ask == -- ]] && ask=-
  if [[ $cur == -* ]]; then
    opts=$("${words[@]}" "$ask" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o bashdefault -o default -F _cakebackup cakebackup
