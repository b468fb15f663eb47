-- gocxx lsp in Neovim's built-in LSP client (Debian's neovim, run
-- headless): diagnostics on open and after an edit, a quick fix asked for
-- and applied by Neovim itself, and with MODE=wrapper clangd's hover
-- passing through gocxx lsp --clangd.
--
-- nvim --headless -u NONE -c "luafile neovim.lua"  with the environment:
--   GOCXX (the binary), FILE (a source with a compile command), OUT (what
--   it saw, for FileCheck), MODE (companion | wrapper), CLANGD (wrapper).
-- Exits 0 when it ran to the end, 1 on a timeout or an error.
local out = assert(io.open(os.getenv('OUT'), 'w'))
local function say(line) out:write(line, '\n'); out:flush() end

local function run()
  local mode = os.getenv('MODE')
  local cmd = { os.getenv('GOCXX'), 'lsp' }
  if mode == 'wrapper' then
    vim.list_extend(cmd, { '--clangd', os.getenv('CLANGD'), '--clangd-arg=--background-index=false' })
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('FILE')))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = 'gocxx', cmd = cmd, root_dir = vim.fn.fnamemodify(os.getenv('FILE'), ':h') })
  assert(id, 'the client did not start')
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)

  local function gocxx_diagnostics()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == 'gocxx' then table.insert(found, d) end
    end
    table.sort(found, function(a, b) return a.lnum < b.lnum end)
    return found
  end
  local function wait_for(what, cond)
    if not vim.wait(60000, cond, 20) then error('timed out waiting for ' .. what) end
  end
  local function show(label)
    local all = vim.diagnostic.get(buf)
    table.sort(all, function(a, b) return a.lnum < b.lnum end)
    for _, d in ipairs(all) do
      say(string.format('%s: %d %s %s', label, d.lnum + 1, d.source or '?', d.code or d.message))
    end
  end

  wait_for('diagnostics', function() return #gocxx_diagnostics() >= 2 end)
  if mode == 'wrapper' then
    wait_for("clangd's diagnostics", function() return #vim.diagnostic.get(buf) >= 3 end)
  end
  show('open')

  -- Two lines inserted above everything: Neovim sends the change.
  local heap_line = gocxx_diagnostics()[1].lnum
  vim.api.nvim_buf_set_lines(buf, 2, 2, false, { '// one', '// two' })
  wait_for('moved diagnostics', function()
    local d = gocxx_diagnostics()[1]
    return d ~= nil and d.lnum == heap_line + 2
  end)
  show('edit')

  if mode == 'wrapper' then
    local line = vim.fn.search('int area()', 'n') - 1
    local hover = client.request_sync('textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = 5 } }, 10000, buf)
    local text = hover and hover.result and vim.inspect(hover.result.contents) or 'none'
    say('hover: ' .. (text:find('area') and 'names area' or text))
  end

  -- The quick fix at the heap-to-stack finding, applied as Neovim applies
  -- a workspace edit.
  local heap = gocxx_diagnostics()[1]
  local pos = { line = heap.lnum, character = heap.col }
  local reply = client.request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, range = { start = pos, ['end'] = pos },
    context = { diagnostics = {} } }, 10000, buf)
  local fixes = {}
  for _, a in ipairs(reply.result or {}) do
    if a.title and a.title:find('^Fix: ') then table.insert(fixes, a) end
  end
  say('quick fixes: ' .. #fixes)
  vim.lsp.util.apply_workspace_edit(fixes[1].edit, client.offset_encoding)
  for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find('_obj') then say('fixed: ' .. vim.trim(l)) end
  end
  wait_for('the fixed finding to go', function()
    local ds = gocxx_diagnostics()
    return #ds == 1 and ds[1].code ~= 'gocxx-escape-heap-to-stack'
  end)
  show('after the fix')
  vim.lsp.stop_client(id)
  say('done')
end

local ok, err = pcall(run)
if not ok then say('error: ' .. tostring(err)) end
out:close()
vim.cmd(ok and 'qa!' or 'cq!')
