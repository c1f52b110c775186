export default function Page() {
  return <p>rx-bearer compat</p>;
}
