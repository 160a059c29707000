use crate::expand::expand;

#[test]
fn scratch() {
    let src = std::fs::read_to_string("/tmp/scratch.rs").unwrap_or_default();
    let attr = std::fs::read_to_string("/tmp/scratch_attr").unwrap_or("forward, reverse".into());
    let item: proc_macro2::TokenStream = src.parse().unwrap();
    let out = expand(attr.parse().unwrap(), item);
    match syn::parse2::<syn::File>(out.clone()) {
        Ok(file) => println!("{}", prettyplease::unparse(&file)),
        Err(_) => println!("{out}"),
    }
}
